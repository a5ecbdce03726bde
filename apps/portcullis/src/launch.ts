import { resolveAdminSecret, type AdminSecret } from './admin-secret.js';
import type { PortcullisConfig } from './config.js';
import { lockDataDir } from './data-dir-lock.js';
import { startEmbedded, type EmbeddedPortcullis } from './embedded.js';

export interface Launched extends EmbeddedPortcullis {
  readonly adminSecret: AdminSecret;
}

/** What the services read: the launcher's settings win over the same variables in `env`. */
export function servicesEnvironment(config: PortcullisConfig, env: Record<string, string | undefined>): Record<string, string | undefined> {
  return {
    ...env,
    HOST: config.host,
    GATEWAY_PORT: String(config.ports.gateway),
    REGISTRY_PORT: String(config.ports.registry),
    AUTH_PORT: String(config.ports.auth),
    LOG_LEVEL: config.logLevel,
  };
}

/**
 * Claims the data directory, settles the admin secret, and starts the services on it. The
 * launcher's settings win over the same variables in `env` (the services read host, ports and
 * log level from there), so what the banner prints is what they use.
 */
export async function launch(config: PortcullisConfig, env: Record<string, string | undefined>): Promise<Launched> {
  const lock = await lockDataDir(config.dataDir);
  try {
    const adminSecret = await resolveAdminSecret(config.dataDir, config.adminSecret);
    const running = await startEmbedded({ dataDir: config.dataDir, adminSecret: adminSecret.secret, env: servicesEnvironment(config, env) });
    return {
      ...running,
      adminSecret,
      async close() {
        try {
          await running.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}
