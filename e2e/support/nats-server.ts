import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { natsServerBinary } from './nats-cluster.js';
import { freePort, StopWaiting, waitFor } from './processes.js';

/** One private `nats-server` with JetStream, set up by a config file: for a test that needs a setting the machine's NATS does not have. */
export interface PrivateNatsServer {
  readonly url: string;
  readonly monitorUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

const MAX_LOG_CHARS = 128 * 1024;

/** Starts it with `settings` (lines of nats-server configuration, e.g. `max_payload: 65536`) and waits until it is healthy. */
export async function startNatsServer(settings: readonly string[]): Promise<PrivateNatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-nats-server-'));
  const [port, monitor] = [await freePort(), await freePort()];
  const configFile = join(dir, 'nats-server.conf');
  const config = [`listen: "127.0.0.1:${port}"`, `http: "127.0.0.1:${monitor}"`, `jetstream { store_dir: "${join(dir, 'store')}" }`, ...settings];
  await writeFile(configFile, config.join('\n') + '\n');
  const child = spawn(natsServerBinary, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const capture = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-MAX_LOG_CHARS);
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  process.once('exit', () => child.kill('SIGKILL'));
  const server: PrivateNatsServer = {
    url: `nats://127.0.0.1:${port}`,
    monitorUrl: `http://127.0.0.1:${monitor}`,
    logs: () => output,
    async stop() {
      if (!gone()) {
        child.kill('SIGKILL');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitFor(
      async () => {
        if (gone()) throw new StopWaiting('nats-server exited');
        return (await fetch(`${server.monitorUrl}/healthz?js-enabled-only=true`, { signal: AbortSignal.timeout(1_000) }).catch(() => null))?.status === 200;
      },
      { timeoutMs: 15_000, intervalMs: 100, message: `nats-server on ${server.url}` },
    );
  } catch (error) {
    await server.stop();
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  return server;
}
