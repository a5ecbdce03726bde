import type { ErrorBody } from '@portcullis/errors';
import type { z } from 'zod';
import { analyticsEventSchemas, type AnalyticsEvents } from './analytics.js';
import { authEventSchemas, authRequestSchemas, type AuthEvents, type AuthRequests } from './auth.js';
import { gatewayEventSchemas, type GatewayEvents } from './gateway.js';
import { registryEventSchemas, registryRequestSchemas, type RegistryEvents, type RegistryRequests } from './registry.js';

/** A reply that carries a failure as data: a 409 in the registry stays a 409 at the gateway. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Every request subject of every owner: what each carries and what its reply holds. */
export interface RequestContracts extends RegistryRequests, AuthRequests {}

/** Every event subject of every owner, and its payload. */
export interface EventContracts extends RegistryEvents, AuthEvents, GatewayEvents, AnalyticsEvents {}

export type RequestSubject = keyof RequestContracts;
export type EventSubject = keyof EventContracts;
export type RequestOf<K extends RequestSubject> = RequestContracts[K]['request'];
export type ReplyOf<K extends RequestSubject> = RequestContracts[K]['reply'];
export type EventOf<K extends EventSubject> = EventContracts[K];

/** Every request subject's payload schema: what its receiving handler parses before it trusts it. */
export const requestSchemas: { [K in RequestSubject]: z.ZodType<RequestOf<K>> } = { ...registryRequestSchemas, ...authRequestSchemas };

/** Every event subject's payload schema. */
export const eventSchemas: { [K in EventSubject]: z.ZodType<EventOf<K>> } = {
  ...registryEventSchemas,
  ...authEventSchemas,
  ...gatewayEventSchemas,
  ...analyticsEventSchemas,
};
