import { certificateIdPattern } from './certificates.js';
import { readRequestLog } from './request-log.js';
import { z } from 'zod';
import { upstreamTransportSchema } from './upstream-transport.js';
import type { ErrorDetail } from '@portcullis/errors';
import { parseIpRule } from './ip-rules.js';
import { refusedFields } from './tyk-compatibility.js';
import { toDetails } from './validation.js';
import { readVersioning } from './versioning.js';
import { validateJsonSchemaErrors } from './json-schema.js';
import { circuitBreakerErrors } from './circuit-breakers.js';
import { cacheErrors } from './cache-options.js';
import { shapingErrors } from './shaping.js';
import { eventHandlerErrors } from './event-handlers.js';
import { bodyTransformErrors } from './body-transforms.js';

/**
 * An API definition in Tyk's classic shape: the fields Tyk has keep Tyk's names, so a definition
 * exported from Tyk posts here unchanged. What Portcullis does with each Tyk field is in one table
 * (`tyk-compatibility.ts`): a field that would decide access and is not enforced refuses the
 * definition; the others are kept as they came (`passthrough`), so nothing is lost on the round trip.
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

const targetUrl = absoluteHttpUrl.refine((value) => !/[?#]/.test(value), 'must not carry a query string or fragment');

export const proxySchema = z
  .object({
    listen_path: listenPath,
    target_url: targetUrl,
    strip_listen_path: z.boolean().default(false),
    preserve_host_header: z.boolean().default(false),
    /** Seconds to wait for the upstream's response head; unset means the gateway's default. */
    timeout: z.number().positive().max(3600).optional(),
    /**
     * Ours: forward TRACE requests. Off unless set: TRACE echoes the request back, credentials and
     * cookies included (cross-site tracing), so the gateway answers 405 for it.
     */
    allow_trace: z.boolean().optional(),
    /** Tyk's proxy.transport: TLS to an https upstream (upstream-transport.ts). */
    transport: z.preprocess((value) => (value === null ? undefined : value), upstreamTransportSchema.optional()),
    /** Tyk's load balancing: round robin over target_list (a target listed twice gets twice the share). */
    enable_load_balancing: z.boolean().optional(),
    target_list: unsetWhenNull(z.array(targetUrl).max(256).optional()),
    /** Tyk's: the balancer skips targets whose uptime_tests fail. */
    check_host_against_uptime_tests: z.boolean().optional(),
  })
  .passthrough()
  .superRefine((proxy, ctx) => {
    if (proxy.enable_load_balancing === true && (proxy.target_list ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['target_list'], message: 'must list at least one target when enable_load_balancing is true' });
    }
  });

/**
 * Tyk's uptime_tests: active health checks of upstream hosts. `timeout` is Tyk's Go duration
 * (nanoseconds); `recheck_wait` (seconds) is how often each check runs here. `expected_status` is
 * ours (Tyk expects 200, the default).
 */
const uptimeCheckSchema = z
  .object({
    url: absoluteHttpUrl,
    method: z
      .string()
      .regex(/^[A-Za-z]{1,16}$/, 'must be an HTTP method')
      .optional(),
    timeout: z
      .number()
      .int()
      .nonnegative()
      .max(3600e9)
      .refine((value) => value === 0 || value >= 1e6, 'is a Go duration in nanoseconds: at least 1000000 (1 ms), or 0 for the default')
      .optional(),
    headers: unsetWhenNull(z.record(z.string(), z.string().max(8192)).optional()),
    body: z.string().max(65536).optional(),
    expected_status: z.number().int().min(100).max(599).optional(),
  })
  .passthrough();

export const uptimeTestsSchema = z
  .object({
    check_list: unsetWhenNull(z.array(uptimeCheckSchema).max(64).default([])),
    config: unsetWhenNull(
      z
        .object({ recheck_wait: z.number().nonnegative().max(86400).optional() })
        .passthrough()
        .optional(),
    ),
  })
  .passthrough();
export type UptimeTests = z.output<typeof uptimeTestsSchema>;

/** The grant types an OAuth API may allow on its token endpoint (Tyk's `allowed_access_types`). */
export const oauthAccessTypes = ['authorization_code', 'refresh_token', 'client_credentials', 'password'] as const;
export type OAuthAccessType = (typeof oauthAccessTypes)[number];
const tokenLifetime = z
  .number()
  .int()
  .positive()
  .max(365 * 24 * 3600);

/**
 * Tyk's `oauth_meta`, for an API with `use_oauth2`. `password` is allowed only when named: Tyk
 * enables what is listed, and the resource-owner grant is the one an API should opt into.
 * `access_token_expires_in` / `refresh_token_expires_in` are ours (Tyk has one global lifetime, its
 * issue #648): seconds, used for tokens issued through this API to clients without their own.
 */
export const oauthMetaSchema = z
  .object({
    allowed_access_types: unsetWhenNull(
      z
        .array(z.enum(oauthAccessTypes))
        .max(oauthAccessTypes.length)
        .refine((types) => new Set(types).size === types.length, 'must not repeat a grant type')
        .default(['authorization_code', 'refresh_token', 'client_credentials']),
    ),
    // Tyk's values. `token` (the implicit grant) is kept so Tyk exports load unchanged, but the auth
    // service refuses it (RFC 9700 §2.1.2): unsupported_response_type.
    allowed_authorize_types: unsetWhenNull(
      z
        .array(z.enum(['code', 'token']))
        .max(2)
        .default(['code']),
    ),
    /**
     * Where `{listen_path}/oauth/authorize` sends the user: the app's own login page (Tyk's flow).
     * Tyk exports write "" for none.
     */
    auth_login_redirect: z.union([z.literal('').transform(() => undefined), absoluteHttpUrl]).optional(),
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

/**
 * Where a credential is read from (Tyk's `auth` / `auth_configs.<mode>`): a header (default
 * `Authorization`), optionally a query parameter or a cookie.
 */
/**
 * Tyk reads an empty string (and Go's `null` for an empty list or map, in its exports) as "not
 * set": the field then takes its default, as in Tyk.
 */
function unsetWhenEmpty<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' || value === null || (Array.isArray(value) && value.length === 0) ? undefined : value), schema);
}
function unsetWhenNull<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema);
}

const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be an HTTP header name');
const paramName = z.string().min(1).max(128);
export const authLocationSchema = z
  .object({
    auth_header_name: unsetWhenEmpty(headerName.default('Authorization')),
    use_param: unsetWhenNull(z.boolean().default(false)),
    param_name: unsetWhenEmpty(paramName.optional()),
    use_cookie: unsetWhenNull(z.boolean().default(false)),
    cookie_name: unsetWhenEmpty(paramName.optional()),
  })
  .passthrough();
export type AuthLocation = z.output<typeof authLocationSchema>;

/** JWS algorithm families as Tyk names them (`jwt_signing_method`), or one algorithm by its JWS name. */
export const jwtSigningMethods = [
  'hmac',
  'rsa',
  'ecdsa',
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type JwtSigningMethod = (typeof jwtSigningMethods)[number];
const signingMethod = z.enum(jwtSigningMethods);

/**
 * What `jwt_source` holds: a URL (JWKS, or an OpenID discovery document), a PEM public key, or an
 * HMAC secret. Tyk stores it base64-encoded; plain values are accepted too.
 */
export type JwtSource = { kind: 'url'; url: string } | { kind: 'pem'; pem: string } | { kind: 'secret'; secret: Buffer };

export function parseJwtSource(source: string): JwtSource {
  const plain = source.trim();
  if (/^https?:\/\//i.test(plain)) return { kind: 'url', url: plain };
  if (plain.startsWith('-----BEGIN')) return { kind: 'pem', pem: plain };
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(plain) && plain.length % 4 === 0) {
    const decoded = Buffer.from(plain, 'base64');
    const text = decoded.toString('utf8').trim();
    if (/^https?:\/\//i.test(text)) return { kind: 'url', url: text };
    if (text.startsWith('-----BEGIN')) return { kind: 'pem', pem: text };
    return { kind: 'secret', secret: decoded };
  }
  return { kind: 'secret', secret: Buffer.from(plain, 'utf8') };
}

/** One trusted token issuer of an API (ours; Tyk trusts one source per API, its issue #6320). */
export const jwtIssuerSchema = z
  .object({
    issuer: z.string().min(1).max(2048),
    /** Its JWKS; or found through `discovery_url` (default: `{issuer}/.well-known/openid-configuration`). */
    jwks_uri: absoluteHttpUrl.optional(),
    discovery_url: absoluteHttpUrl.optional(),
    /** The token's `aud` must contain one of these; absent: not checked. */
    audiences: z.array(z.string().min(1).max(2048)).min(1).max(32).optional(),
    /** Pinned: a token's own `alg` header never chooses. */
    signing_methods: z.array(signingMethod).min(1).max(jwtSigningMethods.length),
  })
  .passthrough();
export type JwtIssuer = z.output<typeof jwtIssuerSchema>;

const claimName = z.string().min(1).max(256);
const policyId = z.string().min(1).max(128);
const skewSeconds = z.number().int().min(0).max(3600);

/** The HMAC algorithms a signed request may use (draft-cavage names, as Tyk's `hmac_allowed_algorithms`). */
export const hmacAlgorithms = ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'] as const;

/**
 * Tyk's `base_identity_provided_by` values, and the mode each names. `oidc_user` and `custom_auth`
 * name modes Portcullis refuses (use_openid, plugin auth), so they never name an enabled mode;
 * `oauth1_key` is ours, for the OAuth 1.0a mode Tyk does not have.
 */
export const baseIdentityProviders = [
  '',
  'auth_token',
  'hmac_key',
  'basic_auth_user',
  'jwt_claim',
  'oauth_key',
  'oidc_user',
  'custom_auth',
  'oauth1_key',
] as const;
const baseIdentityModes: Record<(typeof baseIdentityProviders)[number], AuthMode | null> = {
  '': null,
  auth_token: 'key',
  hmac_key: 'hmac',
  basic_auth_user: 'basic',
  jwt_claim: 'jwt',
  oauth_key: 'oauth2',
  oidc_user: null,
  custom_auth: null,
  oauth1_key: 'oauth1',
};

/**
 * The authentication fields of an API definition, Tyk's names where Tyk has one. With none of
 * keyless, basic, HMAC, JWT, OAuth 1.0a or OAuth 2.0 set, callers present an auth token (API key),
 * Tyk's default.
 */
const authFields = {
  auth: unsetWhenNull(authLocationSchema.optional()),
  /** Per-mode locations (Tyk's `auth_configs`: `authToken`, `jwt`, `basic`, `hmac`, `oauth`, ...). */
  auth_configs: unsetWhenNull(z.record(z.string().max(64), authLocationSchema).optional()),
  use_basic_auth: z.boolean().default(false),
  enable_signature_checking: z.boolean().default(false),
  /** Milliseconds a signed request's `Date` may be off; 0 or less: not checked (Tyk); absent: 300 000. */
  hmac_allowed_clock_skew: z.number().min(-1).max(86_400_000).optional(),
  hmac_allowed_algorithms: unsetWhenEmpty(z.array(z.enum(hmacAlgorithms)).min(1).max(hmacAlgorithms.length).optional()),
  enable_jwt: z.boolean().default(false),
  jwt_signing_method: unsetWhenEmpty(signingMethod.optional()),
  /** An HMAC secret or PEM public key, a JWKS URL, or an OpenID issuer / discovery URL; plain or base64 (Tyk). */
  jwt_source: unsetWhenEmpty(z.string().max(65_536).optional()),
  jwt_issuers: unsetWhenNull(z.array(jwtIssuerSchema).max(16).optional()),
  jwt_identity_base_field: unsetWhenEmpty(claimName.default('sub')),
  jwt_policy_field_name: unsetWhenNull(z.string().max(256).default('')),
  jwt_default_policies: unsetWhenNull(z.array(policyId).max(64).default([])),
  jwt_scope_to_policy_mapping: unsetWhenNull(z.record(z.string().max(256), policyId).optional()),
  jwt_scope_claim_name: unsetWhenEmpty(claimName.default('scope')),
  /** Tyk: accept tokens without a `kid` (every key of the source is tried for them). */
  jwt_skip_kid: z.boolean().default(false),
  /** Seconds of clock skew allowed on `exp`, `nbf` and `iat` (Tyk's per-claim skews). */
  jwt_expires_at_validation_skew: skewSeconds.optional(),
  jwt_not_before_validation_skew: skewSeconds.optional(),
  jwt_issued_at_validation_skew: skewSeconds.optional(),
  /** OAuth 1.0a signed requests (RFC 5849). Ours: Tyk has no such mode. */
  use_oauth1: z.boolean().default(false),
  /** Auth tokens (API keys): Tyk's default mode; set explicitly, it chains with the others. */
  use_standard_auth: z.boolean().optional(),
  /** With several modes (all must pass), whose session decides policy, rights and limits (Tyk's names). */
  base_identity_provided_by: z.enum(baseIdentityProviders).optional(),
};

/** Tyk's IP lists: single addresses or CIDR networks, IPv4 or IPv6 (see ip-rules.ts). */
const ipList = unsetWhenNull(
  z
    .array(
      z
        .string()
        .max(64)
        .refine((value) => parseIpRule(value) !== null, 'must be an IP address or a CIDR network'),
    )
    .max(4096)
    .optional(),
);

const ipFields = {
  enable_ip_whitelisting: z.boolean().optional(),
  allowed_ips: ipList,
  enable_ip_blacklisting: z.boolean().optional(),
  blacklisted_ips: ipList,
};

/**
 * Tyk's static mTLS: the certificates allowed to call, by Tyk's certificate id (an org id and the
 * SHA-256 of the certificate in hex, or the SHA-256 alone).
 */
const storedCertificateId = z.string().max(128).regex(certificateIdPattern, 'must be a certificate id of /tyk/certs (an org id and a SHA-256 in hex)');
const mutualTlsFields = {
  use_mutual_tls_auth: z.boolean().optional(),
  client_certificates: unsetWhenNull(
    z
      .array(
        z
          .string()
          .max(128)
          .regex(/[0-9a-fA-F]{64}$/, "must be a certificate's SHA-256 in hex (optionally after an org id)"),
      )
      .max(4096)
      .optional(),
  ),
  /** Tyk: certificates of the store served by the HTTPS listener for this API's `domain` (SNI). */
  certificates: unsetWhenNull(z.array(storedCertificateId).max(64).optional()),
  /** Tyk: upstream host (or `*`, or `*.parent`) -> the stored certificate presented to it (upstream mTLS). */
  upstream_certificates: unsetWhenNull(
    z
      .record(
        z
          .string()
          .min(1)
          .max(260)
          .regex(/^(\*|(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'must be a host, host:port, *.parent or *'),
        storedCertificateId,
      )
      .refine((map) => Object.keys(map).length <= 64, 'at most 64 hosts')
      .optional(),
  ),
  upstream_certificates_disabled: z.boolean().optional(),
  /** Tyk: upstream host (or `*`, `*.parent`) -> comma-separated store ids whose public keys the upstream chain must show. */
  pinned_public_keys: unsetWhenNull(
    z
      .record(
        z
          .string()
          .min(1)
          .max(260)
          .regex(/^(\*|(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?)$/, 'must be a host, host:port, *.parent or *'),
        z
          .string()
          .max(4096)
          .refine(
            (ids) => ids.split(',').every((id) => certificateIdPattern.test(id.trim())),
            'must be comma-separated ids of /tyk/certs (certificates or public keys)',
          ),
      )
      .refine((map) => Object.keys(map).length <= 64, 'at most 64 hosts')
      .optional(),
  ),
  certificate_pinning_disabled: z.boolean().optional(),
};

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
    use_oauth2: z.boolean().default(false),
    ...authFields,
    ...ipFields,
    ...mutualTlsFields,
    proxy: proxySchema,
    uptime_tests: unsetWhenNull(uptimeTestsSchema.optional()),
    oauth_meta: unsetWhenNull(oauthMetaSchema.optional()),
    // Tyk exports carry `{"shared_secret": "", "oauth_on_keychange_url": ""}` when none is set.
    notifications: z.preprocess(
      (value) => (value && typeof value === 'object' && (value as Record<string, unknown>).oauth_on_keychange_url === '' ? undefined : value),
      notificationsSchema.optional(),
    ),
  })
  .passthrough()
  .superRefine((api, ctx) => {
    // Node checks pins with the server identity, which is skipped when verification is off: pins
    // would silently not apply. Refused rather than served weaker.
    if (
      api.pinned_public_keys !== undefined &&
      Object.keys(api.pinned_public_keys).length > 0 &&
      api.certificate_pinning_disabled !== true &&
      api.proxy.transport?.ssl_insecure_skip_verify === true
    ) {
      ctx.addIssue({ code: 'custom', path: ['pinned_public_keys'], message: 'cannot be checked with proxy.transport.ssl_insecure_skip_verify' });
    }
    // Tyk would refuse every request; a definition that cannot work is refused instead.
    if (api.use_mutual_tls_auth === true && (api.client_certificates ?? []).length === 0) {
      ctx.addIssue({ code: 'custom', path: ['client_certificates'], message: 'use_mutual_tls_auth needs at least one allowed certificate' });
    }
    const base = api.base_identity_provided_by;
    if (!api.use_keyless && base !== undefined && base !== '') {
      const modes = authModesOf(api as ApiDefinition);
      // Tyk would run with no session at all; a definition that cannot work is refused instead.
      if (!modes.includes(baseIdentityModes[base] as AuthMode)) {
        ctx.addIssue({
          code: 'custom',
          path: ['base_identity_provided_by'],
          message: `names a mode this API does not enable (it enables: ${modes.join(', ')})`,
        });
      }
    }
    if (!api.enable_jwt) return;
    const issuers = api.jwt_issuers ?? [];
    if (api.jwt_source === undefined && issuers.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['jwt_source'], message: 'enable_jwt needs jwt_source or jwt_issuers' });
    }
    if (api.jwt_source !== undefined && api.jwt_signing_method === undefined) {
      ctx.addIssue({ code: 'custom', path: ['jwt_signing_method'], message: 'is required with jwt_source: algorithms are pinned, never taken from the token' });
    }
    if (api.jwt_source !== undefined && api.jwt_signing_method !== undefined) {
      // An HS secret is never a public key and a public key never an HS secret (key confusion).
      const hmac = api.jwt_signing_method === 'hmac' || api.jwt_signing_method.startsWith('HS');
      const kind = parseJwtSource(api.jwt_source).kind;
      if (hmac && kind !== 'secret')
        ctx.addIssue({ code: 'custom', path: ['jwt_source'], message: 'an hmac jwt_signing_method needs a shared secret, not a public key or URL' });
      if (!hmac && kind === 'secret')
        ctx.addIssue({
          code: 'custom',
          path: ['jwt_source'],
          message: 'a public-key jwt_signing_method needs a PEM public key, a JWKS URL or an OpenID discovery URL',
        });
    }
    issuers.forEach((issuer, index) => {
      const hmac = issuer.signing_methods.some((method) => method === 'hmac' || method.startsWith('HS'));
      if (hmac)
        ctx.addIssue({
          code: 'custom',
          path: ['jwt_issuers', index, 'signing_methods'],
          message: 'an issuer with a JWKS signs with public keys: hmac is not allowed',
        });
    });
  });

export type ApiDefinitionInput = z.input<typeof apiDefinitionSchema>;
/** A validated API definition as stored and sent to gateways: `api_id` is always set. */
export type ApiDefinition = z.output<typeof apiDefinitionSchema> & { api_id: string };

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; errors: ErrorDetail[] };

/**
 * Validates a submitted definition, collecting every problem rather than stopping at the first:
 * the fields' shapes, and every field that asks for what Portcullis does not enforce (the
 * compatibility table's refused fields), each named with "not supported".
 */
export function validateApiDefinition(input: unknown): ValidationResult<z.output<typeof apiDefinitionSchema>> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '(body)', message: 'must be a JSON object' }] };
  }
  const refusals = refusedFields(input as Record<string, unknown>).map((entry) => ({ field: entry.field, message: entry.note }));
  const refusedPaths = new Set(refusals.map((entry) => entry.field));
  const result = apiDefinitionSchema.safeParse(input);
  // A refused field's own shape error (a tyk:// target is no http URL) would only repeat the refusal.
  const shapeErrors = result.success ? [] : toDetails(result.error).filter((error) => !refusedPaths.has(error.field));
  // Versions and path rules (patterns compiled here, expiry dates parsed): each problem by its field.
  const versioning = readVersioning(input as Record<string, unknown>).errors.filter((error) => !refusedPaths.has(error.field));
  // validate_json schemas compiled as the gateway compiles them: one that does not is refused here, not a 500 there.
  const schemas = validateJsonSchemaErrors(input as Record<string, unknown>);
  const breakers = circuitBreakerErrors(input as Record<string, unknown>);
  // cache_options and the versions' cached paths (timeouts, status codes, path patterns), by field.
  const cache = cacheErrors(input as Record<string, unknown>);
  // Header transforms, mocks, timeouts, rewrites: regexes compiled and values checked as the gateway reads them.
  const shaping = shapingErrors(input as Record<string, unknown>);
  // event_handlers: event and handler names, webhook URL, method, headers and cooldown, by field.
  const events = eventHandlerErrors(input as Record<string, unknown>);
  // jq filters and JSONata expressions compiled (not run): one that does not compile is refused here.
  const bodies = bodyTransformErrors(input as Record<string, unknown>);
  // enable_detailed_recording and portcullis_request_log: which requests are kept one by one.
  const requestLog = readRequestLog(input as Record<string, unknown>).errors;
  const errors = [...shapeErrors, ...refusals, ...versioning, ...schemas, ...breakers, ...cache, ...shaping, ...events, ...bodies, ...requestLog];
  if (errors.length > 0 || !result.success) return { ok: false, errors };
  return { ok: true, value: result.data };
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

/** How callers of an API authenticate. */
export type AuthMode = 'keyless' | 'key' | 'basic' | 'hmac' | 'jwt' | 'oauth2' | 'oauth1';

/**
 * Every mode an API requires, in the order Tyk chains them (api_loader.go: OAuth 2.0, basic, HMAC,
 * JWT, then auth tokens when `use_standard_auth` is set or nothing else is; our OAuth 1.0a before
 * the tokens). A request must pass all of them. Keyless APIs: none.
 */
export function authModesOf(api: ApiDefinition): AuthMode[] {
  if (api.use_keyless) return [];
  const modes: AuthMode[] = [];
  if (api.use_oauth2) modes.push('oauth2');
  if (api.use_basic_auth) modes.push('basic');
  if (api.enable_signature_checking) modes.push('hmac');
  if (api.enable_jwt) modes.push('jwt');
  if (api.use_oauth1) modes.push('oauth1');
  if (api.use_standard_auth === true || modes.length === 0) modes.push('key');
  return modes;
}

/**
 * The mode whose identity (session) decides an API's policy, access rights, limits and analytics:
 * the one `base_identity_provided_by` names, else the last in the chain, as in Tyk, where every
 * mode sets the session when none is named and the last to run wins. The portal reads it to know
 * which credential to issue for an API.
 */
export function authModeOf(api: ApiDefinition): AuthMode {
  if (api.use_keyless) return 'keyless';
  const named = baseIdentityModes[api.base_identity_provided_by ?? ''];
  if (named !== null) return named;
  const modes = authModesOf(api);
  return modes[modes.length - 1]!;
}
