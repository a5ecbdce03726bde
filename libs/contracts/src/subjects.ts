import { analyticsSubjects } from './analytics.js';
import { authSubjects } from './auth.js';
import { gatewaySubjects } from './gateway.js';
import { registrySubjects } from './registry.js';

/**
 * Every NATS subject, once. Both ends import these constants: a `client.send(...)` and the
 * `@MessagePattern(...)` that answers it can never drift apart. The table in docs/architecture.md "Messages"
 * lists them with their meaning; `subjects.test.ts` keeps the two in step.
 */
export const subjects = { ...registrySubjects, ...authSubjects, ...gatewaySubjects, ...analyticsSubjects } as const;

export type Subject = (typeof subjects)[keyof typeof subjects];

/**
 * NATS queue groups: request handlers of a service share one, so each request is answered by
 * exactly one replica. Event handlers on gateways use none, so every gateway sees every change.
 */
export const queues = {
  registry: 'registry',
  auth: 'auth',
} as const;
