import { env, loadConfig, z, type Config } from '@portcullis/config';

export const authConfigSchema = z
  .object({
    AUTH_PORT: env.AUTH_PORT,
    HOST: env.HOST,
    NATS_URL: env.NATS_URL,
    DATABASE_URL: env.DATABASE_URL,
    ADMIN_SECRET: env.ADMIN_SECRET,
    LOG_LEVEL: env.LOG_LEVEL,
    ADMIN_MAX_BODY_BYTES: env.ADMIN_MAX_BODY_BYTES,
  })
  .transform((vars) => ({
    http: { host: vars.HOST, port: vars.AUTH_PORT, maxBodyBytes: vars.ADMIN_MAX_BODY_BYTES },
    nats: { servers: vars.NATS_URL },
    database: { url: vars.DATABASE_URL },
    adminSecret: vars.ADMIN_SECRET,
    logLevel: vars.LOG_LEVEL,
  }));

export type AuthConfig = Config<typeof authConfigSchema>;

export function loadAuthConfig(environment: Record<string, string | undefined> = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}
