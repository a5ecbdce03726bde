/**
 * Every NATS subject, once. Both ends import these constants: a `client.send(...)` and the
 * `@MessagePattern(...)` that answers it can never drift apart. The table in README "Messages"
 * lists them with their meaning; `subjects.test.ts` keeps the two in step.
 */
export const subjects = {
  /** request: everything a gateway needs to serve, with the revision it reflects. */
  registrySnapshot: 'registry.snapshot',
  /** requests: API definition administration, used by the gateway's Tyk-compatible API. */
  registryApisList: 'registry.apis.list',
  registryApisGet: 'registry.apis.get',
  registryApisCreate: 'registry.apis.create',
  registryApisUpdate: 'registry.apis.update',
  registryApisDelete: 'registry.apis.delete',
  /** event: an API definition was created, updated or deleted. */
  registryApiChanged: 'registry.api.changed',
  /** request: liveness of the auth service over the bus. */
  authPing: 'auth.ping',
} as const;

export type Subject = (typeof subjects)[keyof typeof subjects];

/**
 * NATS queue groups: request handlers of a service share one, so each request is answered by
 * exactly one replica. Event handlers on gateways use none, so every gateway sees every change.
 */
export const queues = {
  registry: 'registry',
  auth: 'auth',
} as const;
