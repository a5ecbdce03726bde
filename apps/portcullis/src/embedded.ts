import { join } from 'node:path';
import { createAuthApp, loadAuthConfig, type AuthConfig } from '@portcullis/auth';
import { createBusTransport, InProcessBroker } from '@portcullis/bus';
import { initialiseEmbeddedPostgres, startEmbeddedPostgres, type EmbeddedPostgres } from '@portcullis/database';
import { createGatewayApp, loadGatewayConfig } from '@portcullis/gateway';
import { ConfigError } from '@portcullis/config';
import { createRegistryApp, loadRegistryConfig, type RegistryConfig } from '@portcullis/registry';

type RunningService = Awaited<ReturnType<typeof createGatewayApp>>;
type Environment = Record<string, string | undefined>;

export interface EmbeddedOptions {
  /** Each service's PGlite lives under `<dataDir>/postgres/<service>`. */
  readonly dataDir: string;
  /** The environment the services' own config loaders read (ports, host, log level, ...). */
  readonly env: Environment;
  readonly adminSecret: string;
}

export interface EmbeddedPortcullis {
  readonly gateway: RunningService;
  readonly registry: RunningService;
  readonly auth: RunningService;
  /** Gateway first (stop taking traffic), then the owners of data, then their databases. */
  close(): Promise<void>;
}

/**
 * All three services in one process: one in-process broker in place of NATS, and one PGlite per
 * service in place of PostgreSQL (PGlite is a single session, so the services cannot share one and
 * each gets a pool of one connection). Same modules, entities and migrations as distributed.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedPortcullis> {
  const env: Environment = { ...options.env, ADMIN_SECRET: options.adminSecret };
  const { registryConfig, authConfig } = readServiceConfigs(env);

  // Whatever has started is stopped again, in reverse, if a later step fails.
  const started: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of started.splice(0).reverse()) {
      await stop().catch(() => undefined);
    }
  };

  try {
    const databaseDirs = [join(options.dataDir, 'postgres', 'registry'), join(options.dataDir, 'postgres', 'auth')] as const;
    await initialiseEmbeddedPostgres(databaseDirs);
    const [registryDb, authDb] = await startBoth(
      [() => startEmbeddedPostgres(databaseDirs[0]), () => startEmbeddedPostgres(databaseDirs[1])],
      (db: EmbeddedPostgres) => started.push(() => db.stop()),
    );

    const broker = new InProcessBroker();
    const transport = () => createBusTransport({ kind: 'in-process', broker });

    // Registry and auth answer on the bus before the gateway starts: its first act is to ask the
    // registry for a snapshot, and the in-process broker has no queue to hold the request.
    const [registry, auth] = await startBoth(
      [
        () => createRegistryApp(registryConfig, { transport: transport(), database: { url: registryDb.url, poolSize: 1 } }),
        () => createAuthApp(authConfig, { transport: transport(), database: { url: authDb.url, poolSize: 1 } }),
      ],
      (service: RunningService) => started.push(() => service.close()),
    );

    // The gateway sends browsers to the auth service's login page: where it really listens, unless
    // the operator says where it is published.
    const gatewayConfig = loadGatewayConfig({ AUTH_PUBLIC_URL: auth.url, ...env });
    const gateway = await createGatewayApp(gatewayConfig, { transport: transport() });
    started.push(() => gateway.close());

    return { gateway, registry, auth, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Every service's configuration, read before anything starts: a bad variable fails fast, and one
 * ConfigError lists every bad variable whichever service reads it (one line each: the services
 * share variables, so the same complaint from two of them is one line).
 */
export function readServiceConfigs(env: Environment): { registryConfig: RegistryConfig; authConfig: AuthConfig } {
  const problems: string[] = [];
  const read = <T>(load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  // The portal tells developers where to call APIs and get tokens: where the services will listen
  // (known up front when their ports are fixed), unless the operator says where they are published.
  const registryConfig = read(() => loadRegistryConfig({ ...plannedPublicUrls(env), ...env }));
  const authConfig = read(() => loadAuthConfig(env));
  read(() => loadGatewayConfig(env));
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return { registryConfig: registryConfig!, authConfig: authConfig! };
}

/** The portal's public URLs from the host and fixed ports the services will listen on (port 0: left to the defaults). */
function plannedPublicUrls(env: Environment): Environment {
  const host = !env.HOST || env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST === '::' ? '[::1]' : env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
  const at = (port: string | undefined, fallback: number): string | undefined => {
    const value = port === undefined || port === '' ? fallback : Number(port);
    return Number.isInteger(value) && value > 0 && value < 65536 ? `http://${host}:${value}` : undefined;
  };
  const urls: Environment = {
    PORTAL_PUBLIC_URL: at(env.REGISTRY_PORT, 3001),
    GATEWAY_PUBLIC_URL: at(env.GATEWAY_PORT, 8080),
    AUTH_PUBLIC_URL: at(env.AUTH_PORT, 3002),
  };
  return Object.fromEntries(Object.entries(urls).filter(([, url]) => url !== undefined));
}

/**
 * Starts two independent things together; each one that did start is registered for stopping even
 * when the other fails, so nothing is left holding a port or a data directory.
 */
async function startBoth<T>(starts: readonly [() => Promise<T>, () => Promise<T>], onStarted: (value: T) => void): Promise<[T, T]> {
  const [first, second] = await Promise.allSettled([starts[0](), starts[1]()]);
  for (const result of [first, second]) if (result.status === 'fulfilled') onStarted(result.value);
  if (first.status === 'rejected') throw first.reason;
  if (second.status === 'rejected') throw second.reason;
  return [first.value, second.value];
}
