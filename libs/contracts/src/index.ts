// One file per owner of a conversation (the registry, the auth service, the gateways, analytics), each
// with its subjects, its payload types and its slice of the typed maps; bus.ts joins the slices.
export { subjects, queues, type Subject } from './subjects.js';
export { analyticsStream } from './analytics.js';
export { OPAQUE_ACCESS_TOKEN_PREFIX, isOpaqueAccessTokenShape } from './opaque-access-token.js';
export { OAUTH1_TIMESTAMP_WINDOW_SECONDS } from './oauth1.js';
export { requestSchemas, eventSchemas } from './bus.js';
export {
  GATEWAY_HEARTBEAT_INTERVAL_MS,
  GATEWAY_SILENT_AFTER_MS,
  HEARTBEAT_MAX_UPSTREAMS,
  HEARTBEAT_MAX_ORIGIN_LENGTH,
  HEARTBEAT_MAX_GATEWAY_ID_LENGTH,
} from './gateway.js';
export { checkPayload, type PayloadCheck } from './payload.js';
export { registrySnapshotPageEnvelopeSchema, registrySnapshotSchema, snapshotPageSections } from './registry.js';
export type * from './bus.js';
export type * from './registry.js';
export type * from './auth.js';
export type * from './gateway.js';
export type * from './analytics.js';
