import { z } from 'zod';
import type { ErrorDetail } from '@portcullis/errors';
import { toDetails } from './validation.js';

/**
 * An API definition in Tyk's classic shape: the fields Tyk has keep Tyk's names, so a definition
 * exported from Tyk posts here unchanged. Fields we do not act on yet are kept as they came
 * (`passthrough`), so nothing a user sent is lost on the round trip.
 */

const apiIdPattern = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;
// A host name with an optional port; Tyk's `domain` matches the request's Host header.
const domainPattern = /^(?=.{1,253}(:\d{1,5})?$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(:\d{1,5})?$/;

const listenPath = z
  .string()
  .min(1)
  .max(1024)
  .refine((value) => value.startsWith('/'), 'must start with /')
  .refine((value) => !/[\s?#]/.test(value), 'must not contain whitespace, ? or #')
  .refine((value) => !value.split('/').some((segment) => segment === '..' || segment === '.'), 'must not contain . or .. segments');

const targetUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL without credentials')
  .refine((value) => !/[?#]/.test(value), 'must not carry a query string or fragment');

export const proxySchema = z
  .object({
    listen_path: listenPath,
    target_url: targetUrl,
    strip_listen_path: z.boolean().default(false),
    preserve_host_header: z.boolean().default(false),
    /** Seconds to wait for the upstream's response head; unset means the gateway's default. */
    timeout: z.number().positive().max(3600).optional(),
  })
  .passthrough();

const absoluteHttpUrl = z
  .string()
  .max(2048)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL without credentials');

/** The grant types an OAuth API may allow on its token endpoint (Tyk's `allowed_access_types`). */
export const oauthAccessTypes = ['authorization_code', 'refresh_token', 'client_credentials', 'password'] as const;
export type OAuthAccessType = (typeof oauthAccessTypes)[number];
const tokenLifetime = z.number().int().positive().max(365 * 24 * 3600);

/**
 * Tyk's `oauth_meta`, for an API with `use_oauth2`. `password` is allowed only when named: Tyk
 * enables what is listed, and the resource-owner grant is the one an API should opt into.
 * `access_token_expires_in` / `refresh_token_expires_in` are ours (Tyk has one global lifetime, its
 * issue #648): seconds, used for tokens issued through this API to clients without their own.
 */
export const oauthMetaSchema = z
  .object({
    allowed_access_types: z
      .array(z.enum(oauthAccessTypes))
      .max(oauthAccessTypes.length)
      .refine((types) => new Set(types).size === types.length, 'must not repeat a grant type')
      .default(['authorization_code', 'refresh_token', 'client_credentials']),
    allowed_authorize_types: z
      .array(z.enum(['code']))
      .max(1)
      .default(['code']),
    /** Where `{listen_path}/oauth/authorize` sends the user: the app's own login page (Tyk's flow). */
    auth_login_redirect: absoluteHttpUrl.optional(),
    access_token_expires_in: tokenLifetime.optional(),
    refresh_token_expires_in: tokenLifetime.optional(),
  })
  .passthrough();

export type OAuthMeta = z.output<typeof oauthMetaSchema>;

/** An API's OAuth settings, Tyk's defaults filled in when its definition has no `oauth_meta`. */
export function oauthMetaOf(api: { oauth_meta?: OAuthMeta }): OAuthMeta {
  return api.oauth_meta ?? oauthMetaSchema.parse({});
}

/** Tyk's key-change notifications: a POST to the API owner when a token is issued or refreshed. */
export const notificationsSchema = z
  .object({
    oauth_on_keychange_url: absoluteHttpUrl,
    shared_secret: z.string().min(1).max(1024),
  })
  .passthrough();

export const apiDefinitionSchema = z
  .object({
    api_id: z.string().regex(apiIdPattern, 'must be 1-128 characters of letters, digits, . _ ~ -').optional(),
    name: z.string().trim().min(1).max(256),
    org_id: z.string().max(256).default(''),
    active: z.boolean().default(true),
    domain: z
      .string()
      .max(260)
      .refine((value) => value === '' || domainPattern.test(value), 'must be a host name, optionally with :port')
      .transform((value) => value.toLowerCase())
      .default(''),
    use_keyless: z.boolean().default(false),
    // The other authentication modes; acted on by later gateway steps, validated as flags now.
    use_oauth2: z.boolean().default(false),
    use_basic_auth: z.boolean().default(false),
    enable_jwt: z.boolean().default(false),
    enable_signature_checking: z.boolean().default(false),
    proxy: proxySchema,
    oauth_meta: oauthMetaSchema.optional(),
    notifications: notificationsSchema.optional(),
  })
  .passthrough();

export type ApiDefinitionInput = z.input<typeof apiDefinitionSchema>;
/** A validated API definition as stored and sent to gateways: `api_id` is always set. */
export type ApiDefinition = z.output<typeof apiDefinitionSchema> & { api_id: string };

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ErrorDetail[] };


/** Validates a submitted definition, collecting every problem rather than stopping at the first. */
export function validateApiDefinition(input: unknown): ValidationResult<z.output<typeof apiDefinitionSchema>> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const result = apiDefinitionSchema.safeParse(input);
  return result.success ? { ok: true, value: result.data } : { ok: false, errors: toDetails(result.error) };
}

/**
 * The form of a listen path used to compare and match: no trailing slash (but `/` stays `/`), so
 * `/orders` and `/orders/` are the same route and collide.
 */
export function normaliseListenPath(path: string): string {
  if (path.length > 1 && path.endsWith('/')) return path.replace(/\/+$/, '') || '/';
  return path;
}

/** The key two definitions collide on: same domain (or none) and the same normalised listen path. */
export function routeKey(definition: Pick<ApiDefinition, 'domain' | 'proxy'>): string {
  return `${definition.domain ?? ''} ${normaliseListenPath(definition.proxy.listen_path)}`;
}
