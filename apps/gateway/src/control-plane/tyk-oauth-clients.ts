import type { OAuthClientWithSecret } from '@portcullis/contracts';
import { oauthMetaOf, type ApiDefinition, type OAuthClient } from '@portcullis/domain';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's OAuth client shapes (`/tyk/oauth/clients/...`) and our clients, both ways. A Tyk client
 * belongs to one API and carries one policy; ours may name several of each, so a Tyk client is ours
 * with `api_ids: [api_id]` and `policy_ids: [policy_id]`.
 */

/** A client as Tyk shows it. `secret` only at creation and rotation: we never show it again. */
export interface TykOAuthClient {
  client_id: string;
  secret?: string;
  /** Tyk keeps several redirect URIs as one comma-separated string. */
  redirect_uri: string;
  api_id: string;
  policy_id: string;
  description: string;
  /** Tyk's name for the client's metadata. */
  meta_data: unknown;
  /** The same metadata under the name Portcullis's first Tyk API used; kept for its callers. */
  meta: unknown;
}

export function toTykClient(client: OAuthClient | OAuthClientWithSecret, apiId: string): TykOAuthClient {
  const secret = (client as OAuthClientWithSecret).client_secret;
  return {
    client_id: client.client_id,
    ...(secret === undefined ? {} : { secret }),
    redirect_uri: client.redirect_uris.join(','),
    api_id: apiId,
    policy_id: client.policy_ids[0] ?? '',
    description: client.description ?? '',
    meta_data: client.meta ?? null,
    meta: client.meta ?? null,
  };
}

/** Tyk's create body, checked for shape (every problem at once) before the API is looked up. */
export interface TykClientCreate {
  /** Absent: the client is for every OAuth API its policy grants (as Tyk does). */
  api_id?: string;
  redirect_uris: string[];
  policy_id?: string;
  client_id?: string;
  secret?: string;
  description?: string;
  meta?: unknown;
  /** Ours, not Tyk's (`jwt` or `opaque`), checked by the auth service; answers keep Tyk's shape. */
  access_token_format?: string;
}

export function readCreateRequest(body: unknown): TykClientCreate {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new PortcullisError('validation_failed', undefined, [{ field: '(body)', message: 'must be a JSON object' }]);
  }
  const input = body as Record<string, unknown>;
  const problems: ErrorDetail[] = [];
  const text = (field: string, required = false): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null || value === '') {
      if (required) problems.push({ field, message: 'is required' });
      return undefined;
    }
    if (typeof value !== 'string') {
      problems.push({ field, message: 'must be a string' });
      return undefined;
    }
    return value;
  };
  const apiId = text('api_id');
  // Tyk without api_id finds the APIs through the policy: one of the two is needed.
  const policyGiven = typeof input.policy_id === 'string' && input.policy_id !== '';
  if (apiId === undefined && !policyGiven && !problems.some((p) => p.field === 'api_id'))
    problems.push({ field: 'api_id', message: 'is required without a policy_id' });
  const request: TykClientCreate = {
    // Tyk: several redirect URIs in one comma-separated string.
    redirect_uris: (text('redirect_uri') ?? '')
      .split(',')
      .map((uri) => uri.trim())
      .filter((uri) => uri !== ''),
  };
  if (apiId !== undefined) request.api_id = apiId;
  for (const field of ['policy_id', 'client_id', 'secret', 'description', 'access_token_format'] as const) {
    const value = text(field);
    if (value !== undefined) request[field] = value;
  }
  // Tyk's name is meta_data; `meta` was ours first and is still read.
  const meta = input.meta_data ?? input.meta;
  if (meta !== undefined && meta !== null) request.meta = meta;
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return request;
}

/**
 * Our client input for a Tyk client of `apis` (one, or every OAuth API its policy grants): its
 * grant types are the APIs' allowed access types.
 */
export function clientInputFor(request: TykClientCreate, apis: ApiDefinition | ApiDefinition[]): Record<string, unknown> {
  const list = Array.isArray(apis) ? apis : [apis];
  if (list.length === 0 || list.some((api) => api.use_oauth2 !== true)) {
    throw new PortcullisError('validation_failed', undefined, [
      request.api_id === undefined
        ? { field: 'policy_id', message: 'grants no API that uses OAuth 2.0 (use_oauth2)' }
        : { field: 'api_id', message: 'this API does not use OAuth 2.0 (use_oauth2)' },
    ]);
  }
  // Without a redirect URI there is no authorization code to send anywhere.
  const allowed = new Set(list.flatMap((api) => oauthMetaOf(api).allowed_access_types));
  const grantTypes = [...allowed].filter((type) => type !== 'authorization_code' || request.redirect_uris.length > 0);
  if (grantTypes.length === 0) {
    throw new PortcullisError('validation_failed', undefined, [
      { field: 'redirect_uri', message: "is required: the API's only allowed access type is authorization_code" },
    ]);
  }
  const input: Record<string, unknown> = {
    redirect_uris: request.redirect_uris,
    grant_types: grantTypes,
    token_endpoint_auth_method: 'client_secret_basic',
    api_ids: list.map((api) => api.api_id),
    policy_ids: request.policy_id === undefined ? [] : [request.policy_id],
  };
  if (request.client_id !== undefined) input.client_id = request.client_id;
  if (request.secret !== undefined) input.client_secret = request.secret;
  if (request.description !== undefined) input.description = request.description;
  if (request.meta !== undefined) input.meta = request.meta;
  if (request.access_token_format !== undefined) input.access_token_format = request.access_token_format;
  return input;
}

const tykFieldOf: Record<string, string> = {
  client_secret: 'secret',
  redirect_uris: 'redirect_uri',
  policy_ids: 'policy_id',
  api_ids: 'api_id',
  grant_types: 'api_id',
};

/** Tyk's update body (`PUT /tyk/oauth/clients/{api_id}/{client_id}`) applied to a stored client: a full input for the auth service. */
export function clientUpdateFor(existing: OAuthClient, body: unknown): Record<string, unknown> {
  const request = readCreateRequest({ api_id: existing.api_ids[0] ?? '-', ...(body as Record<string, unknown>) });
  const { client_id: _id, created_at: _created, updated_at: _updated, ...kept } = existing;
  const input: Record<string, unknown> = { ...kept };
  const given = body as Record<string, unknown>;
  if (given.redirect_uri !== undefined) input.redirect_uris = request.redirect_uris;
  if (given.policy_id !== undefined) input.policy_ids = request.policy_id === undefined ? [] : [request.policy_id];
  if (given.description !== undefined) input.description = request.description ?? '';
  if (given.meta_data !== undefined || given.meta !== undefined) input.meta = request.meta;
  if (request.secret !== undefined || (request.client_id !== undefined && request.client_id !== existing.client_id)) {
    throw new PortcullisError('validation_failed', undefined, [
      { field: request.secret !== undefined ? 'secret' : 'client_id', message: 'cannot be changed by an update (rotate the secret instead)' },
    ]);
  }
  return input;
}

/** The auth service's complaints about the client, in the names the Tyk caller used. */
export function inTykTerms(error: unknown): unknown {
  if (!(error instanceof PortcullisError) || !error.details) return error;
  const details = error.details.map((detail) => {
    // redirect_uris.1 → redirect_uri: Tyk has one string (or one id) where we keep a list.
    const renamed = tykFieldOf[detail.field.split('.', 1)[0]!];
    return renamed === undefined ? detail : { field: renamed, message: detail.message };
  });
  return new PortcullisError(error.code, error.message, details);
}
