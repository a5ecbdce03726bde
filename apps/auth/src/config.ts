import { env, loadConfig, z, type Config } from '@portcullis/config';

const seconds = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .positive()
    .max(365 * 24 * 3600)
    .default(fallback);
const count = (fallback: number) => z.coerce.number().int().positive().max(1_000_000).default(fallback);

export const authConfigSchema = z
  .object({
    AUTH_PORT: env.AUTH_PORT,
    HOST: env.HOST,
    NATS_URL: env.NATS_URL,
    NATS_SUBJECT_PREFIX: env.NATS_SUBJECT_PREFIX,
    DATABASE_URL: env.DATABASE_URL,
    ADMIN_SECRET: env.ADMIN_SECRET,
    LOG_LEVEL: env.LOG_LEVEL,
    ADMIN_MAX_BODY_BYTES: env.ADMIN_MAX_BODY_BYTES,
    /**
     * The issuer identifier (RFC 8414 §2): clients fetch discovery from `<issuer>/.well-known/...` and
     * strict ones (oauth4webapi) require the document's `issuer` to equal it. Unset: the address the
     * service listens on, `http://127.0.0.1:<AUTH_PORT>`, which only suits a single local process.
     */
    AUTH_ISSUER: z
      .url({ protocol: /^https?$/ })
      .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment (RFC 8414 §2)')
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
    /**
     * Encrypts signing keys at rest (AES-256-GCM, key derived with HKDF-SHA256). Unset: derived from
     * ADMIN_SECRET with its own HKDF info, so changing ADMIN_SECRET then makes the stored keys unreadable
     * (the service logs it and starts a fresh key; tokens signed by the old ones stop verifying).
     */
    KEY_ENCRYPTION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** How long a signing key signs before the next one takes over. */
    SIGNING_KEY_ROTATION_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 365)
      .default(720),
    /** Tyk's defaults: access tokens one hour, refresh tokens 14 days. Clients (and APIs) may override. */
    ACCESS_TOKEN_TTL: seconds(3600),
    REFRESH_TOKEN_TTL: seconds(14 * 24 * 3600),
    /**
     * Brute-force throttles (docs/oauth.md "Brute-force throttles"): failures per account within a window
     * lock it. Users' passwords are chosen by people: OWASP's handful per quarter hour. Client
     * secrets are 256 random bits (or 32+ chosen characters): guessing is hopeless, so the limit is
     * looser and the lock shorter, which bounds what a stranger knowing a client_id can deny.
     */
    AUTH_LOGIN_MAX_FAILURES: count(5),
    AUTH_LOGIN_WINDOW_SECONDS: seconds(15 * 60),
    AUTH_LOGIN_LOCK_SECONDS: seconds(15 * 60),
    AUTH_CLIENT_MAX_FAILURES: count(10),
    AUTH_CLIENT_WINDOW_SECONDS: seconds(5 * 60),
    AUTH_CLIENT_LOCK_SECONDS: seconds(5 * 60),
    /**
     * How long a sign-in at the login page lasts (the login session cookie and its stored hash): within
     * it, authorization requests sign the user in without a password. A working day by default.
     */
    AUTH_SESSION_TTL: seconds(8 * 3600),
  })
  .transform((vars) => ({
    http: { host: vars.HOST, port: vars.AUTH_PORT, maxBodyBytes: vars.ADMIN_MAX_BODY_BYTES },
    nats: { servers: vars.NATS_URL, subjectPrefix: vars.NATS_SUBJECT_PREFIX },
    database: { url: vars.DATABASE_URL },
    adminSecret: vars.ADMIN_SECRET,
    logLevel: vars.LOG_LEVEL,
    oauth: {
      /** Undefined: the service's own listening URL, known once it listens. */
      issuer: vars.AUTH_ISSUER,
      accessTokenTtl: vars.ACCESS_TOKEN_TTL,
      refreshTokenTtl: vars.REFRESH_TOKEN_TTL,
    },
    keys: {
      encryptionSecret: vars.KEY_ENCRYPTION_SECRET ?? vars.ADMIN_SECRET,
      /** Distinct HKDF info when the key is derived from ADMIN_SECRET, so it is never the admin secret's twin. */
      encryptionInfo: vars.KEY_ENCRYPTION_SECRET ? 'portcullis/signing-keys/v1' : 'portcullis/signing-keys/v1/from-admin-secret',
      rotationSeconds: Math.round(vars.SIGNING_KEY_ROTATION_HOURS * 3600),
    },
    /** The auth service's own login session (docs/openid-connect.md "Login sessions"). */
    session: { ttlSeconds: vars.AUTH_SESSION_TTL },
    throttles: {
      /** Per username, at the login page and the password grant. */
      logins: { maxFailures: vars.AUTH_LOGIN_MAX_FAILURES, windowSeconds: vars.AUTH_LOGIN_WINDOW_SECONDS, lockSeconds: vars.AUTH_LOGIN_LOCK_SECONDS },
      /** Per client_id, wherever a client authenticates with a secret (token, introspection, revocation). */
      clients: { maxFailures: vars.AUTH_CLIENT_MAX_FAILURES, windowSeconds: vars.AUTH_CLIENT_WINDOW_SECONDS, lockSeconds: vars.AUTH_CLIENT_LOCK_SECONDS },
    },
  }));

export type AuthConfig = Config<typeof authConfigSchema>;

export function loadAuthConfig(environment: Record<string, string | undefined> = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}

/** Nest injection token for the frozen AuthConfig (RootModule provides it to every module). */
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
