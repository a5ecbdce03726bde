import type { ErrorBody } from '@portcullis/errors';
import type { AnalyticsEvents } from './analytics.js';
import type { AuthEvents, AuthRequests } from './auth.js';
import type { GatewayEvents } from './gateway.js';
import type { RegistryEvents, RegistryRequests } from './registry.js';

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
