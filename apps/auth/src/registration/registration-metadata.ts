import {
  accessTokenFormats,
  defaultIdTokenSigningAlg,
  grantTypes,
  idTokenSigningAlgs,
  isHttpUrl,
  tokenEndpointAuthMethods,
  type OAuthClient,
} from '@portcullis/domain';
import type { ErrorDetail } from '@portcullis/errors';

/** RFC 7591 §3.2.2 error codes. */
export type RegistrationErrorCode = 'invalid_redirect_uri' | 'invalid_client_metadata' | 'invalid_software_statement';

export type MetadataMapping = { ok: true; input: Record<string, unknown> } | { ok: false; error: RegistrationErrorCode; description: string };

/** What an initial access token grants every client registered with it. */
export interface RegistrationGrant {
  apiIds: string[];
  policyIds: string[];
}

/** Human-facing RFC 7591 §2 metadata, kept as given in the client's `meta` and shown back. */
const informational = ['client_uri', 'logo_uri', 'tos_uri', 'policy_uri', 'software_id', 'software_version', 'contacts'] as const;
const uriFields = new Set(['client_uri', 'logo_uri', 'tos_uri', 'policy_uri']);
/** Grants a client may give itself: `password` hands it users' passwords, so only an admin allows it. */
const selfServiceGrants = grantTypes.filter((grant) => grant !== 'password');
const META_KEY = 'rfc7591';

const fail = (error: RegistrationErrorCode, description: string): MetadataMapping => ({ ok: false, error, description });

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * RFC 7591 client metadata → the input `ClientsService` validates. Unknown metadata is ignored (§2);
 * values we cannot honour are refused (§3.2.2). A client cannot choose its id, its secret, the APIs it
 * may call or the policies its tokens carry: those come from the server and the initial access token.
 */
export function mapRegistrationMetadata(body: unknown, grant: RegistrationGrant): MetadataMapping {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    return fail('invalid_client_metadata', 'The request body must be a JSON object of client metadata.');
  const metadata = body as Record<string, unknown>;
  if (metadata.software_statement !== undefined) return fail('invalid_software_statement', 'Software statements are not supported.');

  if (metadata.redirect_uris !== undefined && !isStringArray(metadata.redirect_uris))
    return fail('invalid_redirect_uri', 'redirect_uris must be an array of strings.');
  const redirectUris = (metadata.redirect_uris as string[] | undefined) ?? [];

  const method = metadata.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !(tokenEndpointAuthMethods as readonly string[]).includes(method)) {
    return fail('invalid_client_metadata', `token_endpoint_auth_method must be one of ${tokenEndpointAuthMethods.join(', ')}.`);
  }

  // RFC 7591 §2: grant_types defaults to authorization_code and response_types to code.
  const grants = metadata.grant_types ?? ['authorization_code'];
  if (!isStringArray(grants) || grants.length === 0) return fail('invalid_client_metadata', 'grant_types must be a non-empty array of strings.');
  const refusedGrants = grants.filter((grantType) => !(selfServiceGrants as readonly string[]).includes(grantType));
  if (refusedGrants.length > 0) return fail('invalid_client_metadata', `Grant types not available by registration: ${refusedGrants.join(', ')}.`);
  const responseTypes = metadata.response_types ?? ['code'];
  if (!isStringArray(responseTypes) || responseTypes.some((type) => type !== 'code'))
    return fail('invalid_client_metadata', 'response_types may only contain code.');
  // RFC 7591 §2.1: response_types and grant_types must agree.
  if (responseTypes.includes('code') !== grants.includes('authorization_code')) {
    return fail('invalid_client_metadata', 'response_types code and grant_types authorization_code go together.');
  }
  if (grants.includes('authorization_code') && redirectUris.length === 0)
    return fail('invalid_redirect_uri', 'redirect_uris are required for the authorization_code grant.');

  for (const field of ['client_name', 'scope', 'software_id', 'software_version', ...uriFields] as const) {
    if (metadata[field] !== undefined && typeof metadata[field] !== 'string') return fail('invalid_client_metadata', `${field} must be a string.`);
  }
  for (const field of uriFields) {
    const value = metadata[field] as string | undefined;
    if (value !== undefined && !isHttpUrl(value)) return fail('invalid_client_metadata', `${field} must be an http or https URL.`);
  }
  if (metadata.contacts !== undefined && !isStringArray(metadata.contacts)) return fail('invalid_client_metadata', 'contacts must be an array of strings.');
  // Our extension (RFC 7591 §2 allows others): a client may ask for opaque access tokens.
  const format = metadata.access_token_format;
  if (format !== undefined && (typeof format !== 'string' || !(accessTokenFormats as readonly string[]).includes(format))) {
    return fail('invalid_client_metadata', `access_token_format must be one of ${accessTokenFormats.join(', ')}.`);
  }

  // OpenID Connect Registration §2 and RP-Initiated Logout §3.1 (the URIs are checked like redirect_uris, by the client schema).
  if (metadata.post_logout_redirect_uris !== undefined && !isStringArray(metadata.post_logout_redirect_uris))
    return fail('invalid_client_metadata', 'post_logout_redirect_uris must be an array of strings.');
  const maxAge = metadata.default_max_age;
  if (maxAge !== undefined && (typeof maxAge !== 'number' || !Number.isInteger(maxAge) || maxAge < 0))
    return fail('invalid_client_metadata', 'default_max_age must be a non-negative integer (seconds).');
  if (metadata.require_auth_time !== undefined && typeof metadata.require_auth_time !== 'boolean')
    return fail('invalid_client_metadata', 'require_auth_time must be a boolean.');
  const openid = openIdMetadataProblem(metadata);
  if (openid !== undefined) return fail('invalid_client_metadata', openid);
  const idTokenAlg = metadata.id_token_signed_response_alg;

  const kept = Object.fromEntries(informational.filter((field) => metadata[field] !== undefined).map((field) => [field, metadata[field]]));
  const input: Record<string, unknown> = {
    redirect_uris: redirectUris,
    token_endpoint_auth_method: method,
    grant_types: [...new Set(grants)],
    api_ids: grant.apiIds,
    policy_ids: grant.policyIds,
    meta: { [META_KEY]: kept },
  };
  if (metadata.client_name !== undefined) input.client_name = metadata.client_name;
  if (metadata.scope !== undefined) input.scope = metadata.scope;
  if (format !== undefined) input.access_token_format = format;
  for (const field of ['post_logout_redirect_uris', 'default_max_age', 'require_auth_time'] as const)
    if (metadata[field] !== undefined) input[field] = metadata[field];
  if (idTokenAlg !== undefined) input.id_token_signed_response_alg = idTokenAlg;
  return { ok: true, input };
}

/**
 * OIDC Dynamic Client Registration §2 metadata this server must honour or refuse: ID Tokens are
 * signed with RS256 or ES256 (never `none`, never an HMAC: the client's secret is kept only as a
 * hash); subjects are public (no pairwise identifiers); userinfo answers plain JSON over TLS, and
 * nothing is encrypted.
 */
function openIdMetadataProblem(metadata: Record<string, unknown>): string | undefined {
  const alg = metadata.id_token_signed_response_alg;
  if (alg !== undefined && (typeof alg !== 'string' || !(idTokenSigningAlgs as readonly string[]).includes(alg)))
    return `id_token_signed_response_alg must be one of ${idTokenSigningAlgs.join(', ')}.`;
  if (metadata.subject_type !== undefined && metadata.subject_type !== 'public') return 'subject_type must be public: pairwise subjects are not supported.';
  if (metadata.userinfo_signed_response_alg !== undefined)
    return 'userinfo_signed_response_alg is not supported: userinfo answers plain JSON (application/json).';
  for (const field of [
    'id_token_encrypted_response_alg',
    'id_token_encrypted_response_enc',
    'userinfo_encrypted_response_alg',
    'userinfo_encrypted_response_enc',
  ]) {
    if (metadata[field] !== undefined) return `${field} is not supported: tokens and userinfo answers are not encrypted.`;
  }
  return undefined;
}

/** A `ClientsService` validation failure in RFC 7591 terms: redirect URI problems have their own code. */
export function registrationErrorFrom(details: readonly ErrorDetail[] | undefined): { error: RegistrationErrorCode; description: string } {
  const problems = details ?? [];
  const redirect = problems.filter((detail) => detail.field === 'redirect_uris' || detail.field.startsWith('redirect_uris.'));
  const chosen = redirect.length > 0 ? redirect : problems;
  const description = chosen.map((detail) => `${detail.field}: ${detail.message}`).join('; ') || 'The client metadata is not valid.';
  return { error: redirect.length > 0 ? 'invalid_redirect_uri' : 'invalid_client_metadata', description };
}

/** The client as RFC 7591 §3.2.1 / RFC 7592 §3 show it: its metadata, never its id-issuing details twice. */
export function registrationMetadataOf(client: OAuthClient): Record<string, unknown> {
  const kept = (client.meta?.[META_KEY] ?? {}) as Record<string, unknown>;
  const shown: Record<string, unknown> = {
    client_id: client.client_id,
    client_id_issued_at: Math.floor(Date.parse(client.created_at) / 1000),
    redirect_uris: client.redirect_uris,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    grant_types: client.grant_types,
    response_types: client.grant_types.includes('authorization_code') ? ['code'] : [],
    access_token_format: client.access_token_format ?? 'jwt',
    id_token_signed_response_alg: client.id_token_signed_response_alg ?? defaultIdTokenSigningAlg,
    subject_type: 'public',
    ...kept,
  };
  if (client.client_name !== undefined) shown.client_name = client.client_name;
  if (client.scope !== '') shown.scope = client.scope;
  for (const field of ['post_logout_redirect_uris', 'default_max_age', 'require_auth_time'] as const)
    if (client[field] !== undefined) shown[field] = client[field];
  return shown;
}
