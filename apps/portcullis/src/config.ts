import { resolve } from 'node:path';
import { env, loadConfig, z, type Config } from '@portcullis/config';

/**
 * What the launcher itself needs. The services read the rest of the environment through their own
 * config loaders; the launcher only decides what embedded mode changes for them (the admin secret,
 * and binding to loopback unless told otherwise).
 */
export const portcullisConfigSchema = z
  .object({
    DATA_DIR: z.string().min(1).default('./data'),
    // Embedded mode is for one machine: listen on loopback unless HOST says otherwise.
    HOST: z.string().min(1).default('127.0.0.1'),
    GATEWAY_PORT: env.GATEWAY_PORT,
    REGISTRY_PORT: env.REGISTRY_PORT,
    AUTH_PORT: env.AUTH_PORT,
    // The banner is npm start's interface; the services' start-up chatter (and its asynchronous
    // writes landing around the banner) is there with LOG_LEVEL=info.
    LOG_LEVEL: env.LOG_LEVEL.unwrap().default('warn'),
    ADMIN_SECRET: env.ADMIN_SECRET.optional(),
  })
  .transform((e) => ({
    dataDir: e.DATA_DIR,
    host: e.HOST,
    ports: { gateway: e.GATEWAY_PORT, registry: e.REGISTRY_PORT, auth: e.AUTH_PORT },
    logLevel: e.LOG_LEVEL,
    adminSecret: e.ADMIN_SECRET ?? null,
  }));

export type PortcullisConfig = Config<typeof portcullisConfigSchema>;

/** `cwd` anchors a relative DATA_DIR, so the printed path is the one actually used. */
export function loadPortcullisConfig(environment: Record<string, string | undefined> = process.env, cwd: string = process.cwd()): PortcullisConfig {
  const config = loadConfig(portcullisConfigSchema, environment);
  return Object.freeze({ ...config, dataDir: resolve(cwd, config.dataDir) });
}
