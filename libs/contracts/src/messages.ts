import type { ApiDefinition } from '@portcullis/domain';
import type { ErrorBody } from '@portcullis/errors';
import type { subjects } from './subjects.js';

type S = typeof subjects;

/** A reply that carries a failure as data: a 409 in the registry stays a 409 at the gateway. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

export interface RegistrySnapshot {
  /** The registry's configuration revision this snapshot reflects; events carry the same counter. */
  revision: number;
  apis: ApiDefinition[];
}

export type ApiChange = 'created' | 'updated' | 'deleted';

export interface ApiChangedEvent {
  revision: number;
  api_id: string;
  change: ApiChange;
  /** The definition as it now is; null when deleted. */
  definition: ApiDefinition | null;
}

export interface ApiIdRequest {
  api_id: string;
}

export interface ApiWriteRequest {
  /** The body as the caller sent it: the registry validates it. */
  definition: unknown;
  /** For update: the id in the URL, which wins over any id in the body. */
  api_id?: string;
}

/** Request subjects: what each carries and what its reply holds. */
export interface RequestContracts {
  [subjects.registrySnapshot]: { request: Record<string, never>; reply: RegistrySnapshot };
  [subjects.registryApisList]: { request: Record<string, never>; reply: ApiDefinition[] };
  [subjects.registryApisGet]: { request: ApiIdRequest; reply: ApiDefinition };
  [subjects.registryApisCreate]: { request: ApiWriteRequest; reply: ApiDefinition };
  [subjects.registryApisUpdate]: { request: ApiWriteRequest & ApiIdRequest; reply: ApiDefinition };
  [subjects.registryApisDelete]: { request: ApiIdRequest; reply: ApiIdRequest };
  [subjects.authPing]: { request: Record<string, never>; reply: { service: 'auth' } };
}

/** Event subjects and their payloads. */
export interface EventContracts {
  [subjects.registryApiChanged]: ApiChangedEvent;
}

export type RequestSubject = S['registrySnapshot'] | S['registryApisList'] | S['registryApisGet'] | S['registryApisCreate'] | S['registryApisUpdate'] | S['registryApisDelete'] | S['authPing'];
export type EventSubject = S['registryApiChanged'];
export type RequestOf<K extends RequestSubject> = RequestContracts[K]['request'];
export type ReplyOf<K extends RequestSubject> = RequestContracts[K]['reply'];
export type EventOf<K extends EventSubject> = EventContracts[K];
