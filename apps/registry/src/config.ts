import { env, loadConfig, z, type Config } from '@portcullis/config';

export const registryConfigSchema = z
  .object({
    REGISTRY_PORT: env.REGISTRY_PORT,
    HOST: env.HOST,
    NATS_URL: env.NATS_URL,
    NATS_SUBJECT_PREFIX: env.NATS_SUBJECT_PREFIX,
    DATABASE_URL: env.DATABASE_URL,
    ADMIN_SECRET: env.ADMIN_SECRET,
    LOG_LEVEL: env.LOG_LEVEL,
    ADMIN_MAX_BODY_BYTES: env.ADMIN_MAX_BODY_BYTES,
    /** A Tyk policies.json imported (upserted) at start. */
    IMPORT_POLICIES_FILE: z.string().min(1).optional(),
    /** A folder of Tyk classic API definition files (*.json) imported (upserted) at start. */
    IMPORT_APIS_DIR: z.string().min(1).optional(),
  })
  .transform((vars) => ({
    http: { host: vars.HOST, port: vars.REGISTRY_PORT, maxBodyBytes: vars.ADMIN_MAX_BODY_BYTES },
    nats: { servers: vars.NATS_URL, subjectPrefix: vars.NATS_SUBJECT_PREFIX },
    database: { url: vars.DATABASE_URL },
    adminSecret: vars.ADMIN_SECRET,
    logLevel: vars.LOG_LEVEL,
    import: { policiesFile: vars.IMPORT_POLICIES_FILE, apisDir: vars.IMPORT_APIS_DIR },
  }));

export type RegistryConfig = Config<typeof registryConfigSchema>;

export function loadRegistryConfig(environment: Record<string, string | undefined> = process.env): RegistryConfig {
  return loadConfig(registryConfigSchema, environment);
}
