import { env, loadConfig, z, type Config } from '@portcullis/config';

/** An absolute http(s) base URL without query or fragment, kept without its trailing slash. */
const publicUrl = (fallback: string) =>
  z
    .url({ protocol: /^https?$/ })
    .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment')
    .transform((value) => value.replace(/\/+$/, ''))
    .default(fallback);

/** An optional setting: absent or empty (as compose passes an unset `${VAR:-}`) is unset. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/** An OpenID Provider's issuer: an http(s) URL without query or fragment, kept without its trailing slash. */
const issuerUrl = z
  .url({ protocol: /^https?$/ })
  .refine((value) => !value.includes('?') && !value.includes('#'), 'must have no query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

/** A retention in whole days; 0 keeps for ever. */
const retentionDays = (fallback: number) => z.coerce.number().int().min(0).max(36_500).default(fallback);

export const registryConfigSchema = z
  .object({
    REGISTRY_PORT: env.REGISTRY_PORT,
    HOST: env.HOST,
    NATS_URL: env.NATS_URL,
    NATS_SUBJECT_PREFIX: env.NATS_SUBJECT_PREFIX,
    NATS_STREAM_REPLICAS: env.NATS_STREAM_REPLICAS,
    DATABASE_URL: env.DATABASE_URL,
    ADMIN_SECRET: env.ADMIN_SECRET,
    CERTIFICATE_ENCRYPTION_SECRET: env.CERTIFICATE_ENCRYPTION_SECRET,
    LOG_LEVEL: env.LOG_LEVEL,
    ADMIN_MAX_BODY_BYTES: env.ADMIN_MAX_BODY_BYTES,
    /** A Tyk policies.json imported (upserted) at start. */
    IMPORT_POLICIES_FILE: z.string().min(1).optional(),
    /** A folder of Tyk classic API definition files (*.json) imported (upserted) at start. */
    IMPORT_APIS_DIR: z.string().min(1).optional(),
    /** Largest body POST /admin/import accepts: 32 MiB holds 10,000 API definitions of 3 KB each. */
    IMPORT_MAX_BODY_BYTES: z.coerce.number().int().positive().default(33_554_432),
    /** Where developers reach the portal: the base of the links it hands out (password reset). */
    PORTAL_PUBLIC_URL: publicUrl('http://localhost:3001'),
    /** Where developers call the APIs: the base of the examples and token endpoints on credentials pages. */
    GATEWAY_PUBLIC_URL: publicUrl('http://localhost:8080'),
    /** Where developers reach the auth service (its discovery document and /oauth/token). */
    AUTH_PUBLIC_URL: publicUrl('http://localhost:3002'),
    /** New developers wait for an admin's approval before they can log in. */
    PORTAL_REQUIRE_APPROVAL: z
      .enum(['true', 'false'])
      .default('false')
      .transform((value) => value === 'true'),
    /** The portal's cookies carry `Secure`; `auto`: when PORTAL_PUBLIC_URL is https. */
    PORTAL_COOKIE_SECURE: z.enum(['true', 'false', 'auto']).default('auto'),
    /**
     * An OpenID Provider developers may sign in with (found through its discovery document): its
     * issuer, and the portal's client there. All three or none; empty is none (compose passes them so).
     */
    PORTAL_OIDC_ISSUER: unsetWhenEmpty(issuerUrl),
    PORTAL_OIDC_CLIENT_ID: unsetWhenEmpty(z.string().max(1024)),
    PORTAL_OIDC_CLIENT_SECRET: unsetWhenEmpty(z.string().max(1024)),
    /** What the button says: "Sign in with <name>"; the issuer's host when unset. */
    PORTAL_OIDC_NAME: unsetWhenEmpty(z.string().max(64)),
    /** `false`: developers sign in through the OpenID Provider only (no password login, sign-up or reset). */
    PORTAL_PASSWORD_LOGIN: z
      .enum(['true', 'false'])
      .default('true')
      .transform((value) => value === 'true'),
    /**
     * An OpenID Provider operators may sign in to the console with: its issuer, and the console's
     * client there. All three or none, as PORTAL_OIDC_*; it may be the portal's provider or another.
     */
    CONSOLE_OIDC_ISSUER: unsetWhenEmpty(issuerUrl),
    CONSOLE_OIDC_CLIENT_ID: unsetWhenEmpty(z.string().max(1024)),
    CONSOLE_OIDC_CLIENT_SECRET: unsetWhenEmpty(z.string().max(1024)),
    /** What the console's button says: "Sign in with <name>"; the issuer's host when unset. */
    CONSOLE_OIDC_NAME: unsetWhenEmpty(z.string().max(64)),
    /**
     * The verified emails (comma-separated) the provider may sign in as operators: nobody is an
     * operator merely by having an account there. Required with CONSOLE_OIDC_ISSUER.
     */
    CONSOLE_OIDC_OPERATORS: unsetWhenEmpty(
      z
        .string()
        .max(65_536)
        .transform((value) =>
          value
            .split(',')
            .map((email) => email.trim())
            .filter((email) => email !== ''),
        )
        .pipe(z.array(z.email()).min(1, 'must name at least one email')),
    ),
    /** Days of per-minute analytics kept (0: kept for ever). */
    ANALYTICS_MINUTES_RETENTION_DAYS: retentionDays(7),
    /** Days of per-hour analytics kept (0: kept for ever). */
    ANALYTICS_HOURS_RETENTION_DAYS: retentionDays(90),
    /** Days of per-day analytics kept (0: kept for ever). */
    ANALYTICS_DAYS_RETENTION_DAYS: retentionDays(0),
    /** Days of request logs kept: older day partitions are dropped whole (0: kept for ever). */
    ANALYTICS_REQUEST_LOG_RETENTION_DAYS: retentionDays(7),
    /** How often retention runs (and request log partitions are made ahead). */
    ANALYTICS_RETENTION_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  })
  .superRefine((vars, ctx) => {
    for (const oidc of [
      ['PORTAL_OIDC_ISSUER', 'PORTAL_OIDC_CLIENT_ID', 'PORTAL_OIDC_CLIENT_SECRET'],
      ['CONSOLE_OIDC_ISSUER', 'CONSOLE_OIDC_CLIENT_ID', 'CONSOLE_OIDC_CLIENT_SECRET'],
    ] as const) {
      const set = oidc.filter((name) => vars[name] !== undefined);
      if (set.length > 0 && set.length < oidc.length) {
        for (const name of oidc.filter((name) => vars[name] === undefined))
          ctx.addIssue({ code: 'custom', path: [name], message: `required with ${set.join(' and ')} (OpenID sign-in needs all three)` });
      }
    }
    // Without a list, whoever has an account at the provider would run the gateway.
    if (vars.CONSOLE_OIDC_ISSUER !== undefined && vars.CONSOLE_OIDC_OPERATORS === undefined)
      ctx.addIssue({ code: 'custom', path: ['CONSOLE_OIDC_OPERATORS'], message: 'required with CONSOLE_OIDC_ISSUER (the emails allowed into the console)' });
    if (vars.CONSOLE_OIDC_ISSUER === undefined && vars.CONSOLE_OIDC_OPERATORS !== undefined)
      ctx.addIssue({ code: 'custom', path: ['CONSOLE_OIDC_OPERATORS'], message: 'has no effect without CONSOLE_OIDC_ISSUER' });
    // Nobody could sign in at all.
    if (!vars.PORTAL_PASSWORD_LOGIN && vars.PORTAL_OIDC_ISSUER === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['PORTAL_PASSWORD_LOGIN'],
        message: 'can be false only with PORTAL_OIDC_ISSUER set (developers need a way to sign in)',
      });
  })
  .transform((vars) => ({
    http: { host: vars.HOST, port: vars.REGISTRY_PORT, maxBodyBytes: vars.ADMIN_MAX_BODY_BYTES },
    nats: { servers: vars.NATS_URL, subjectPrefix: vars.NATS_SUBJECT_PREFIX, streamReplicas: vars.NATS_STREAM_REPLICAS },
    database: { url: vars.DATABASE_URL },
    adminSecret: vars.ADMIN_SECRET,
    certificateEncryptionSecret: vars.CERTIFICATE_ENCRYPTION_SECRET,
    logLevel: vars.LOG_LEVEL,
    import: { policiesFile: vars.IMPORT_POLICIES_FILE, apisDir: vars.IMPORT_APIS_DIR, maxBodyBytes: vars.IMPORT_MAX_BODY_BYTES },
    analytics: {
      retentionDays: {
        minute: vars.ANALYTICS_MINUTES_RETENTION_DAYS,
        hour: vars.ANALYTICS_HOURS_RETENTION_DAYS,
        day: vars.ANALYTICS_DAYS_RETENTION_DAYS,
        requestLogs: vars.ANALYTICS_REQUEST_LOG_RETENTION_DAYS,
      },
      retentionIntervalMs: vars.ANALYTICS_RETENTION_INTERVAL_MS,
    },
    portal: {
      publicUrl: vars.PORTAL_PUBLIC_URL,
      gatewayPublicUrl: vars.GATEWAY_PUBLIC_URL,
      authPublicUrl: vars.AUTH_PUBLIC_URL,
      requireApproval: vars.PORTAL_REQUIRE_APPROVAL,
      cookieSecure: vars.PORTAL_COOKIE_SECURE === 'auto' ? vars.PORTAL_PUBLIC_URL.startsWith('https:') : vars.PORTAL_COOKIE_SECURE === 'true',
      passwordLogin: vars.PORTAL_PASSWORD_LOGIN,
      oidc:
        vars.PORTAL_OIDC_ISSUER === undefined || vars.PORTAL_OIDC_CLIENT_ID === undefined || vars.PORTAL_OIDC_CLIENT_SECRET === undefined
          ? null
          : {
              issuer: vars.PORTAL_OIDC_ISSUER,
              clientId: vars.PORTAL_OIDC_CLIENT_ID,
              clientSecret: vars.PORTAL_OIDC_CLIENT_SECRET,
              name: vars.PORTAL_OIDC_NAME ?? new URL(vars.PORTAL_OIDC_ISSUER).host,
            },
    },
    console: {
      oidc:
        vars.CONSOLE_OIDC_ISSUER === undefined ||
        vars.CONSOLE_OIDC_CLIENT_ID === undefined ||
        vars.CONSOLE_OIDC_CLIENT_SECRET === undefined ||
        vars.CONSOLE_OIDC_OPERATORS === undefined
          ? null
          : {
              issuer: vars.CONSOLE_OIDC_ISSUER,
              clientId: vars.CONSOLE_OIDC_CLIENT_ID,
              clientSecret: vars.CONSOLE_OIDC_CLIENT_SECRET,
              name: vars.CONSOLE_OIDC_NAME ?? new URL(vars.CONSOLE_OIDC_ISSUER).host,
              // Lower case: email addresses are compared as providers treat them, without regard to case.
              operators: vars.CONSOLE_OIDC_OPERATORS.map((email) => email.toLowerCase()),
            },
    },
  }));

export type RegistryConfig = Config<typeof registryConfigSchema>;

export function loadRegistryConfig(environment: Record<string, string | undefined> = process.env): RegistryConfig {
  return loadConfig(registryConfigSchema, environment);
}
