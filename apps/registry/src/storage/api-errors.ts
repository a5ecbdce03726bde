import type { ApiDefinition } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { violatedConstraint } from './pg-errors.js';

/**
 * The failures an API definition write can meet, each naming the field at fault, so the native
 * admin API and the gateway's Tyk API (which gets them over the bus) answer alike.
 */

export function apiNotFound(apiId: string): PortcullisError {
  return new PortcullisError('not_found', `No API with id ${JSON.stringify(apiId)}`);
}

export function apiIdTaken(apiId: string): PortcullisError {
  return new PortcullisError('conflict', 'An API with this id already exists', [
    { field: 'api_id', message: `${JSON.stringify(apiId)} is already used by another API` },
  ]);
}

export function listenPathTaken(definition: Pick<ApiDefinition, 'domain' | 'proxy'>, otherApiId?: string): PortcullisError {
  const where = definition.domain ? ` on domain ${definition.domain}` : '';
  const by = otherApiId ? ` by API ${JSON.stringify(otherApiId)}` : ' by another API';
  return new PortcullisError('conflict', 'Another API already listens on this path', [
    { field: 'proxy.listen_path', message: `${definition.proxy.listen_path}${where} is already used${by}` },
  ]);
}

/** A write of several APIs met a path another writer took, and which of them is no longer known. */
export function listenPathTakenByOne(): PortcullisError {
  return new PortcullisError('conflict', 'Another API already listens on a path this write takes', [
    { field: 'proxy.listen_path', message: 'one of the listen paths written is already used by another API' },
  ]);
}

/**
 * The unique indexes are the real guard against two writers racing past the friendly checks: their
 * violation becomes the same 409 the checks give, never a 500 with an ORM message.
 */
export function conflictFromUniqueViolation(error: unknown, definition: Pick<ApiDefinition, 'api_id' | 'domain' | 'proxy'>): PortcullisError | undefined {
  const constraint = violatedConstraint(error, 'unique');
  if (constraint === undefined) return undefined;
  if (constraint.includes('route_key')) return listenPathTaken(definition);
  if (constraint.includes('pkey')) return apiIdTaken(definition.api_id);
  return undefined;
}
