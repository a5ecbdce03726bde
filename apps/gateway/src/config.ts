import { analyticsVariables } from '@portcullis/analytics';
import { env, loadConfig, z, type Config } from '@portcullis/config';
import { parseIpRule, type IpRule } from '@portcullis/domain';
import { loadCertificate, parseCertificateList, type CertificateFiles } from './data-plane/tls/certificates.js';
import { tracingVariables, tracingSettings } from './data-plane/tracing/tracing-variables.js';

/**
 * How long a closing gateway lets in-flight requests finish before cutting them off (after SIGTERM).
 * Here rather than beside the data plane's server because deployments must fit around it: the
 * Helm chart's preStop sleep and grace period (deploy/helm/portcullis, checked by
 * e2e/kubernetes.e2e.test.ts).
 */
export const DRAIN_MS = 5_000;

/** The environment variables the gateway reads, shaped into the settings its parts use. */
export const gatewayConfigSchema = z
  .object({
    HOST: env.HOST,
    GATEWAY_PORT: env.GATEWAY_PORT,
    NATS_URL: env.NATS_URL,
    NATS_SUBJECT_PREFIX: env.NATS_SUBJECT_PREFIX,
    NATS_STREAM_REPLICAS: env.NATS_STREAM_REPLICAS,
    ADMIN_SECRET: env.ADMIN_SECRET,
    CERTIFICATE_ENCRYPTION_SECRET: env.CERTIFICATE_ENCRYPTION_SECRET,
    LOG_LEVEL: env.LOG_LEVEL,
    PROXY_DEFAULT_TIMEOUT: env.PROXY_DEFAULT_TIMEOUT,
    SNAPSHOT_TIMEOUT_MS: env.SNAPSHOT_TIMEOUT_MS,
    ADMIN_MAX_BODY_BYTES: env.ADMIN_MAX_BODY_BYTES,
    /**
     * Where browsers reach the auth service (its login and consent page): `{listen_path}/oauth/authorize`
     * of an OAuth API without its own login page redirects there.
     */
    AUTH_PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment')
      .transform((value) => value.replace(/\/+$/, ''))
      .default('http://127.0.0.1:3002'),
    /** How long a found API key / HMAC / OAuth 1.0a session is cached (dropped sooner on auth.key.changed). */
    CREDENTIAL_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    /** How long a credential the auth service did not find is remembered (a flood of wrong keys is one lookup each). */
    CREDENTIAL_NEGATIVE_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(5_000),
    /** How long a verified basic-auth pair is remembered (only its SHA-256), sparing the slow hash. */
    BASIC_AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    /** How long an active opaque OAuth 2.0 token's introspection is cached (never past its exp; revocations apply at once). */
    OAUTH2_INTROSPECTION_TTL_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
    /**
     * JWKS fetches of one issuer caused by tokens with an unknown kid: JWKS_REFETCH_BURST at once (a
     * rotated key is fetched without delay), then one more per JWKS_MIN_REFETCH_MS.
     */
    JWKS_MIN_REFETCH_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
    JWKS_REFETCH_BURST: z.coerce.number().int().min(1).max(100).default(3),
    /** How long a lookup in the auth service or a provider's JWKS may take. */
    CREDENTIAL_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /**
     * The largest form body an OAuth 1.0a API reads whole to check the signature over its parameters
     * (RFC 5849 §3.4.1.3.1); a larger one gets 413. Other bodies stream and have no such limit.
     */
    OAUTH1_MAX_BODY_BYTES: z.coerce.number().int().min(1).max(16_777_216).default(65_536),
    /**
     * Where rate limits are kept when set (exact across every gateway sharing it, as Tyk and Kong
     * do); unset, the gateways share each limit among themselves over NATS (Tyk's distributed
     * rate limiter).
     */
    REDIS_URL: z
      .url({ protocol: /^rediss?$/ })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /**
     * Proxies whose X-Forwarded-For / X-Real-IP the IP allow and block lists believe: addresses or
     * CIDR networks, comma-separated. Empty (the default): none, the socket's address is the client's.
     */
    TRUSTED_PROXIES: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const rules: IpRule[] = [];
        for (const entry of value
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part !== '')) {
          const rule = parseIpRule(entry);
          if (rule === null) ctx.addIssue({ code: 'custom', message: `${entry} is not an IP address or CIDR network` });
          else rules.push(rule);
        }
        return rules;
      }),
    /** The most bytes of cached answers (keys, headers, bodies) one gateway keeps in memory (least recently used go first). */
    CACHE_MAX_BYTES: z.coerce.number().int().min(0).max(68_719_476_736).default(67_108_864),
    /** The largest upstream body stored in the cache; a larger answer is relayed and not stored. */
    CACHE_MAX_ENTRY_BYTES: z.coerce.number().int().min(0).max(1_073_741_824).default(1_048_576),
    /**
     * TLS termination: the HTTPS listener's port (beside GATEWAY_PORT's plain HTTP); unset, there
     * is none. It serves GATEWAY_TLS_CERTIFICATES and the certificates of the store (/tyk/certs)
     * that APIs bind with `certificates`; either may be absent.
     */
    GATEWAY_TLS_PORT: z.coerce
      .number()
      .int()
      .min(0)
      .max(65_535)
      .optional()
      .or(z.literal('').transform(() => undefined)),
    /**
     * `cert.pem:key.pem,other.pem:other-key.pem`: PEM files, each certificate served to clients
     * asking (SNI) for a name it covers (an API's `domain`); the first one for any other name. Read
     * and checked here (each parses, each key is its certificate's), so a bad file stops the start.
     */
    GATEWAY_TLS_CERTIFICATES: z
      .string()
      .default('')
      .transform((value, ctx) => {
        const parsed = parseCertificateList(value);
        if ('problem' in parsed) {
          ctx.addIssue({ code: 'custom', message: parsed.problem });
          return [];
        }
        for (const files of parsed.files) {
          try {
            loadCertificate(files);
          } catch (error) {
            ctx.addIssue({ code: 'custom', message: (error as Error).message });
          }
        }
        return parsed.files;
      }),
    /**
     * The HTTPS listener asks clients for a certificate (not checked against a CA: an API with
     * use_mutual_tls_auth lists the ones it allows). Off by default: browsers may prompt for one.
     */
    GATEWAY_TLS_REQUEST_CLIENT_CERT: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    /** How often the certificate files are checked for changes (a changed pair is loaded without a restart). */
    GATEWAY_TLS_RELOAD_MS: z.coerce.number().int().min(100).max(3_600_000).default(2_000),
    /**
     * Passive health checks of load-balanced targets: UPSTREAM_PASSIVE_FAILURES failures (connection
     * errors, 5xx answers) within UPSTREAM_PASSIVE_WINDOW_MS take a target out for
     * UPSTREAM_PASSIVE_DOWN_MS (or until an uptime check passes). Gateway-wide, not per API: one
     * target's health is shared by every API balancing over it. Tyk has no such fields.
     */
    UPSTREAM_PASSIVE_FAILURES: z.coerce.number().int().min(1).max(10_000).default(3),
    UPSTREAM_PASSIVE_WINDOW_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    UPSTREAM_PASSIVE_DOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
    /**
     * event_handlers webhooks: how long one request may take (Tyk's fixed 30 s; Tyk's event_timeout
     * is a cooldown, not this), how many wait at most (past it new ones are dropped and counted,
     * requests never wait), and how many are in flight at once.
     */
    EVENT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
    EVENT_WEBHOOK_QUEUE_MAX: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
    EVENT_WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
    /** Analytics records of proxied requests (on unless set to false). */
    ANALYTICS_ENABLED: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    ...analyticsVariables,
    ...tracingVariables,
  })
  .superRefine((vars, ctx) => {
    if (vars.GATEWAY_TLS_PORT === undefined && vars.GATEWAY_TLS_CERTIFICATES.length > 0)
      ctx.addIssue({ code: 'custom', path: ['GATEWAY_TLS_PORT'], message: 'required when GATEWAY_TLS_CERTIFICATES is set' });
  })
  .transform((vars) => ({
    http: { host: vars.HOST, port: vars.GATEWAY_PORT },
    tls:
      vars.GATEWAY_TLS_PORT === undefined
        ? null
        : {
            port: vars.GATEWAY_TLS_PORT,
            certificates: vars.GATEWAY_TLS_CERTIFICATES as CertificateFiles[],
            reloadMs: vars.GATEWAY_TLS_RELOAD_MS,
            requestClientCert: vars.GATEWAY_TLS_REQUEST_CLIENT_CERT,
          },
    nats: { servers: vars.NATS_URL, subjectPrefix: vars.NATS_SUBJECT_PREFIX, streamReplicas: vars.NATS_STREAM_REPLICAS },
    adminSecret: vars.ADMIN_SECRET,
    /** The store's private keys arrive sealed; this opens them (the registry's must be the same). */
    certificates: { encryptionSecret: vars.CERTIFICATE_ENCRYPTION_SECRET },
    logLevel: vars.LOG_LEVEL,
    proxy: { defaultTimeoutSeconds: vars.PROXY_DEFAULT_TIMEOUT, signedBodyLimit: vars.OAUTH1_MAX_BODY_BYTES, trustedProxies: vars.TRUSTED_PROXIES },
    sync: { snapshotTimeoutMs: vars.SNAPSHOT_TIMEOUT_MS },
    admin: { maxBodyBytes: vars.ADMIN_MAX_BODY_BYTES },
    auth: { publicUrl: vars.AUTH_PUBLIC_URL },
    credentials: {
      sessionTtlMs: vars.CREDENTIAL_CACHE_TTL_MS,
      negativeTtlMs: vars.CREDENTIAL_NEGATIVE_TTL_MS,
      basicTtlMs: vars.BASIC_AUTH_CACHE_TTL_MS,
      introspectionTtlMs: vars.OAUTH2_INTROSPECTION_TTL_MS,
      jwksMinRefetchMs: vars.JWKS_MIN_REFETCH_MS,
      jwksRefetchBurst: vars.JWKS_REFETCH_BURST,
      jwksMaxAgeMs: 600_000,
      lookupTimeoutMs: vars.CREDENTIAL_LOOKUP_TIMEOUT_MS,
    },
    rateLimit: { redisUrl: vars.REDIS_URL ?? null },
    passiveChecks: { failures: vars.UPSTREAM_PASSIVE_FAILURES, windowMs: vars.UPSTREAM_PASSIVE_WINDOW_MS, downMs: vars.UPSTREAM_PASSIVE_DOWN_MS },
    events: { timeoutMs: vars.EVENT_WEBHOOK_TIMEOUT_MS, maxQueued: vars.EVENT_WEBHOOK_QUEUE_MAX, concurrency: vars.EVENT_WEBHOOK_CONCURRENCY },
    /** Tyk's response cache: in Redis (shared by the gateways) when REDIS_URL is set, else in memory. */
    cache: { redisUrl: vars.REDIS_URL ?? null, maxBytes: vars.CACHE_MAX_BYTES, maxEntryBytes: vars.CACHE_MAX_ENTRY_BYTES },
    analytics: {
      enabled: vars.ANALYTICS_ENABLED,
      flushMs: vars.ANALYTICS_FLUSH_MS,
      batchSize: vars.ANALYTICS_BATCH_SIZE,
      maxBuffered: vars.ANALYTICS_BUFFER_MAX,
    },
    /** OpenTelemetry trace export; null (the default, OTEL_TRACES_EXPORTER=none): no tracing at all. */
    tracing: tracingSettings(vars),
  }));

export type GatewayConfig = Config<typeof gatewayConfigSchema>;

export function loadGatewayConfig(environment: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, environment);
}
