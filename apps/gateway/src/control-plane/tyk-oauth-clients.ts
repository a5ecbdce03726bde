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
    meta: client.meta ?? null,
  };
}

/** Tyk's create body, checked for shape (every problem at once) before the API is looked up. */
export interface TykClientCreate {
  api_id: string;
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
  const request: TykClientCreate = {
    api_id: text('api_id', true) ?? '',
    // Tyk: several redirect URIs in one comma-separated string.
    redirect_uris: (text('redirect_uri') ?? '')
      .split(',')
      .map((uri) => uri.trim())
      .filter((uri) => uri !== ''),
  };
  for (const field of ['policy_id', 'client_id', 'secret', 'description', 'access_token_format'] as const) {
    const value = text(field);
    if (value !== undefined) request[field] = value;
  }
  if (input.meta !== undefined && input.meta !== null) request.meta = input.meta;
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return request;
}

/**
 * The API a create body names, not found: the body is wrong (400 naming api_id), not the URL (404).
 * The auth service checks the policy the same way, for every door.
 */
export function namedApiMissing(apiId: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof PortcullisError && error.code === 'not_found') {
      throw new PortcullisError('validation_failed', undefined, [{ field: 'api_id', message: `no API has id ${JSON.stringify(apiId)}` }]);
    }
    throw error;
  };
}

/** Our client input for a Tyk client of `api`: its grant types are the API's allowed access types. */
export function clientInputFor(request: TykClientCreate, api: ApiDefinition): Record<string, unknown> {
  if (api.use_oauth2 !== true) {
    throw new PortcullisError('validation_failed', undefined, [{ field: 'api_id', message: 'this API does not use OAuth 2.0 (use_oauth2)' }]);
  }
  // Without a redirect URI there is no authorization code to send anywhere.
  const grantTypes = oauthMetaOf(api).allowed_access_types.filter((type) => type !== 'authorization_code' || request.redirect_uris.length > 0);
  if (grantTypes.length === 0) {
    throw new PortcullisError('validation_failed', undefined, [{ field: 'redirect_uri', message: "is required: the API's only allowed access type is authorization_code" }]);
  }
  const input: Record<string, unknown> = {
    redirect_uris: request.redirect_uris,
    grant_types: grantTypes,
    token_endpoint_auth_method: 'client_secret_basic',
    api_ids: [request.api_id],
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
