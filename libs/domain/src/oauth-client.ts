import { z } from 'zod';
import type { ValidationResult } from './api-definition.js';
import { toDetails } from './validation.js';

/**
 * An OAuth 2.0 client as the platform keeps it, with RFC 7591 metadata names where RFC 7591 has one,
 * plus what the gateway needs: the APIs it may call and the policies its tokens carry.
 */

export const grantTypes = ['authorization_code', 'client_credentials', 'refresh_token', 'password'] as const;
export type GrantType = (typeof grantTypes)[number];

export const tokenEndpointAuthMethods = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type TokenEndpointAuthMethod = (typeof tokenEndpointAuthMethods)[number];

/**
 * How the client's access tokens look: signed JWTs (RFC 9068) a gateway checks alone, or opaque
 * random strings it checks by asking the auth service (introspection), which some resource servers
 * and Tyk users expect. RFC 7591 §2 lets a server define metadata of its own.
 */
export const accessTokenFormats = ['jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof accessTokenFormats)[number];

/**
 * What a client's ID Tokens may be signed with (OIDC DCR §2 `id_token_signed_response_alg`): RS256,
 * the default when none is registered, or ES256. Never `none`, nor an HMAC whose key would be the
 * client's secret, which is kept only as a hash here.
 */
export const idTokenSigningAlgs = ['RS256', 'ES256'] as const;
export type IdTokenSigningAlg = (typeof idTokenSigningAlgs)[number];
/** OIDC DCR §2: a client registered without the metadata gets RS256, which every RP can verify. */
export const defaultIdTokenSigningAlg: IdTokenSigningAlg = 'RS256';

const redirectUri = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      // RFC 6749 §3.1.2: absolute, no fragment. Custom schemes are allowed for native apps.
      return url.protocol !== 'javascript:' && url.protocol !== 'data:' && !value.includes('#');
    } catch {
      return false;
    }
  }, 'must be an absolute URI without a fragment');

const identifier = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/, 'must be 1-128 characters of letters, digits, . _ ~ -');
const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token characters
const scope = z
  .string()
  .max(2048)
  .refine((value) => value === '' || value.split(' ').every((token) => scopeToken.test(token)), 'must be space-separated scope tokens')
  .default('');
const ttl = z
  .number()
  .int()
  .positive()
  .max(365 * 24 * 3600);

export const oauthClientInputSchema = z
  .object({
    client_id: identifier.optional(),
    /** A chosen secret (Tyk lets one be given); stored only as a hash, so it must be high-entropy. */
    client_secret: z.string().min(32, 'must be at least 32 characters').max(512).optional(),
    client_name: z.string().trim().min(1).max(256).optional(),
    description: z.string().max(2048).optional(),
    redirect_uris: z.array(redirectUri).max(32).default([]),
    grant_types: z.array(z.enum(grantTypes)).min(1).max(grantTypes.length).optional(),
    token_endpoint_auth_method: z.enum(tokenEndpointAuthMethods).default('client_secret_basic'),
    scope,
    api_ids: z.array(identifier).max(256).default([]),
    policy_ids: z.array(identifier).max(256).default([]),
    access_token_ttl: ttl.optional(),
    refresh_token_ttl: ttl.optional(),
    access_token_format: z
      .enum(accessTokenFormats)
      .default('jwt')
      .describe('jwt: RFC 9068 JWTs checked locally; opaque: random tokens checked by introspection'),
    id_token_signed_response_alg: z
      .enum(idTokenSigningAlgs)
      .optional()
      .describe('How its ID Tokens are signed: RS256 (the default) or ES256; access tokens are ES256 whatever this says'),
    meta: z.record(z.string(), z.unknown()).optional(),
    /** RP-Initiated Logout 1.0 §3.1: where the client may send the user after logout (matched exactly). */
    post_logout_redirect_uris: z.array(redirectUri).max(32).optional(),
    /** OpenID Connect Registration §2: seconds; a request without max_age gets this one. */
    default_max_age: z
      .number()
      .int()
      .nonnegative()
      .max(365 * 24 * 3600)
      .optional(),
    /** OpenID Connect Registration §2: auth_time in every ID Token (Portcullis always sends it after a sign-in). */
    require_auth_time: z.boolean().optional(),
  })
  .strict()
  .transform((client) => ({ ...client, grant_types: client.grant_types ?? defaultGrantTypes(client) }))
  .superRefine((client, ctx) => {
    if (client.grant_types.includes('authorization_code') && client.redirect_uris.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['redirect_uris'], message: 'are required for the authorization_code grant' });
    }
    if (client.token_endpoint_auth_method === 'none') {
      if (client.client_secret !== undefined)
        ctx.addIssue({ code: 'custom', path: ['client_secret'], message: 'a public client (token_endpoint_auth_method none) has no secret' });
      for (const grant of ['client_credentials', 'password'] as const) {
        if (client.grant_types.includes(grant)) ctx.addIssue({ code: 'custom', path: ['grant_types'], message: `${grant} needs a confidential client` });
      }
    }
  });

function defaultGrantTypes(client: { redirect_uris: string[]; token_endpoint_auth_method: TokenEndpointAuthMethod }): GrantType[] {
  if (client.token_endpoint_auth_method === 'none') return ['authorization_code', 'refresh_token'];
  if (client.redirect_uris.length > 0) return ['authorization_code', 'refresh_token', 'client_credentials'];
  return ['client_credentials'];
}

export type OAuthClientInput = z.output<typeof oauthClientInputSchema>;

/** A client as shown: never its secret or the secret's hash. */
export interface OAuthClient extends Omit<OAuthClientInput, 'client_secret' | 'client_id'> {
  client_id: string;
  /** ISO 8601. */
  created_at: string;
  updated_at: string;
}

export function validateOAuthClientInput(input: unknown): ValidationResult<OAuthClientInput> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const result = oauthClientInputSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
}
