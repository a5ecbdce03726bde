import { freePort, spawnNode, StopWaiting, waitFor, type SpawnedProcess } from './processes.js';

/** `npm start`'s process (apps/portcullis/dist/main.js), on a data directory and ports of the test's choosing. */
export interface EmbeddedProcess {
  readonly urls: { gateway: string; registry: string; auth: string };
  /** The admin secret as the banner printed it (null when it came from ADMIN_SECRET and is not shown). */
  readonly printedSecret: string | null;
  readonly banner: string;
  readonly process: SpawnedProcess;
  /** SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export interface EmbeddedPorts {
  gateway: number;
  registry: number;
  auth: number;
}

export async function freeEmbeddedPorts(): Promise<EmbeddedPorts> {
  return { gateway: await freePort(), registry: await freePort(), auth: await freePort() };
}

/** Starts the launcher and waits for its banner; the first start on an empty DATA_DIR creates the databases. */
export async function startEmbeddedProcess(
  dataDir: string,
  ports: EmbeddedPorts,
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<EmbeddedProcess> {
  const spawned = spawnNode(['apps/portcullis/dist/main.js'], {
    DATA_DIR: dataDir,
    GATEWAY_PORT: String(ports.gateway),
    REGISTRY_PORT: String(ports.registry),
    AUTH_PORT: String(ports.auth),
    LOG_LEVEL: 'warn',
    ...env,
  });
  try {
    const parsed = await waitFor(
      () => {
        if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) throw new StopWaiting('the launcher exited before printing its banner');
        return parseBanner(spawned.logs());
      },
      { timeoutMs, intervalMs: 100, message: 'the launcher to print its banner' },
    );
    return { ...parsed, process: spawned, stop: () => spawned.stop() };
  } catch (error) {
    await spawned.stop(2_000);
    throw new Error(`${(error as Error).message}\n--- launcher output ---\n${spawned.logs()}`, { cause: error });
  }
}

/**
 * Starts the launcher on ports that were free a moment ago. Between asking the OS for a free port
 * and the launcher listening on it, another process may take it (an outgoing connection's ephemeral
 * port, often): then it starts again on new ports, a few times.
 */
export async function startEmbeddedOnFreePorts(
  dataDir: string,
  env: Record<string, string> = {},
  timeoutMs?: number,
): Promise<{ ports: EmbeddedPorts; portcullis: EmbeddedProcess }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freeEmbeddedPorts();
    try {
      return { ports, portcullis: await startEmbeddedProcess(dataDir, ports, env, timeoutMs) };
    } catch (error) {
      if (attempt >= 3 || !(error as Error).message.includes('EADDRINUSE')) throw error;
    }
  }
}

export function parseBanner(output: string): Pick<EmbeddedProcess, 'urls' | 'printedSecret' | 'banner'> | null {
  const start = output.indexOf('Portcullis is running (embedded)');
  if (start < 0) return null;
  const banner = output.slice(start);
  const url = (service: string) => new RegExp(`^\\s+${service}\\s+(http://\\S+)`, 'm').exec(banner)?.[1];
  const gateway = url('gateway');
  const registry = url('registry');
  const auth = url('auth');
  const secretLine = /^\s+admin secret: (.*)$/m.exec(banner)?.[1];
  if (!gateway || !registry || !auth || secretLine === undefined || !/^\s+data: /m.test(banner)) return null;
  const printedSecret = secretLine.startsWith('from ADMIN_SECRET') ? null : secretLine.split(/\s+/)[0]!;
  return { urls: { gateway, registry, auth }, printedSecret, banner };
}
