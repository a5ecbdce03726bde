import { createScratchDatabase } from './database.js';
import { startService, waitFor, type StartedService } from './processes.js';

/** The three services most e2e files run: registry and auth on a scratch database, one gateway. */
export interface Stack {
  readonly registry: StartedService;
  readonly auth: StartedService;
  readonly gateway: StartedService;
  /** The scratch database's URL (to look at what the services stored). */
  readonly databaseUrl: string;
  /** Stops the services and drops the database. */
  stop(): Promise<void>;
}

/** Waits until a gateway has its configuration (its /ready answers 200). */
export function gatewayReady(gateway: StartedService): Promise<void> {
  return waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, {
    timeoutMs: 15_000,
    message: `the gateway at ${gateway.url} to be ready`,
  }).then(() => undefined);
}

/**
 * Starts registry and auth on a fresh database named after `databasePrefix`, then a gateway that
 * sends browsers to that auth service (`AUTH_PUBLIC_URL`, plus `gatewayEnv`), and waits until it is
 * ready. A start that fails stops what did start and drops the database before it throws.
 */
export async function startStack(databasePrefix: string, adminSecret: string, gatewayEnv: Record<string, string> = {}): Promise<Stack> {
  const database = await createScratchDatabase(databasePrefix);
  const started: StartedService[] = [];
  const stop = async () => {
    await Promise.allSettled([...started].reverse().map((service) => service.stop()));
    await database.drop();
  };
  try {
    const services = await Promise.allSettled([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    for (const service of services) if (service.status === 'fulfilled') started.push(service.value);
    const failed = services.find((service) => service.status === 'rejected');
    if (failed) throw failed.reason;
    const [registry, auth] = started as [StartedService, StartedService];
    const gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url, ...gatewayEnv } });
    started.push(gateway);
    await gatewayReady(gateway);
    return { registry, auth, gateway, databaseUrl: database.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
