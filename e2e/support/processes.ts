import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { composeService, repoRoot, type ServiceName } from './compose-services.js';
import { StopWaiting, waitFor } from '../../tools/test/wait-for.js';

export { StopWaiting, waitFor, type WaitOptions } from '../../tools/test/wait-for.js';

/**
 * Starting the built services as plain processes, the way docker-compose.yml runs them, plus the
 * small tools every e2e test needs: a poll with a deadline and a real upstream to proxy to.
 */

export interface ServiceOverrides {
  adminSecret: string;
  /** Database name in place of the compose one (see createScratchDatabase). */
  database?: string;
  /** HTTP port; a free one when absent. */
  port?: number;
  /** Applied last, over the compose environment (e.g. NATS_URL of a cuttable TcpLink). */
  env?: Record<string, string>;
  /** How long to wait for /health; the first start of registry/auth runs migrations. */
  readyTimeoutMs?: number;
}

export interface StartedService {
  readonly name: ServiceName;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within a few seconds. Resolves with the exit code once it has exited. */
  stop(): Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far, for failure messages. */
  logs(): string;
}

/** The NATS subject prefix every service started by this test process shares. */
export const runSubjectPrefix = `e2e-${process.pid}-${Date.now().toString(36)}.`;

/** Children still running when the test process exits are killed, never left holding ports. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface SpawnedProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  // A function property, not a method: handed on unbound (`logs: spawned.logs`).
  readonly logs: () => string;
  stop(graceMs?: number): Promise<number | null>;
}

const MAX_LOG_CHARS = 256 * 1024;

/** Spawns `node ...` from the repository root with exactly `env` (plus PATH), capturing its output. */
export function spawnNode(args: string[], env: Record<string, string>): SpawnedProcess {
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    // Only what compose would give the container: nothing leaks in from the developer's shell.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const capture = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > MAX_LOG_CHARS) output = output.slice(-MAX_LOG_CHARS);
  };
  child.stdout!.on('data', capture);
  child.stderr!.on('data', capture);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(code ?? (signal ? null : 0));
    });
  });
  return {
    child,
    exited,
    logs: () => output,
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Starts one service with its docker-compose.yml command and environment (host substitutions
 * only, see compose-services.ts) and waits until its /health answers 200.
 */
export async function startService(name: ServiceName, overrides: ServiceOverrides): Promise<StartedService> {
  const port = overrides.port ?? (await freePort());
  const { command, env } = composeService(name, { port, adminSecret: overrides.adminSecret, database: overrides.database });
  const [program, ...args] = command;
  if (program !== 'node') throw new Error(`${name}: compose command must start with node, got ${command.join(' ')}`);
  // One subject namespace per test run: services of another run (or session) on the same NATS
  // neither answer these requests nor hear these events. Not a compose value: an isolation the
  // host run adds, like the scratch database.
  const spawned = spawnNode(args, { NODE_ENV: 'production', ...env, NATS_SUBJECT_PREFIX: runSubjectPrefix, ...overrides.env });
  const url = `http://127.0.0.1:${port}`;
  const service: StartedService = {
    name,
    url,
    port,
    pid: spawned.child.pid!,
    stop: () => spawned.stop(),
    logs: spawned.logs,
  };
  try {
    await waitFor(
      async () => {
        if (spawned.child.exitCode !== null || spawned.child.signalCode !== null) {
          throw new StopWaiting(`${name} exited (${spawned.child.exitCode ?? spawned.child.signalCode}) before it was healthy`);
        }
        const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2_000) });
        return response.status === 200;
      },
      { timeoutMs: overrides.readyTimeoutMs ?? 30_000, message: `${name} on ${url} to answer /health` },
    );
  } catch (error) {
    await spawned.stop(2_000);
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${spawned.logs()}`, { cause: error });
  }
  return service;
}

/** A port nothing listens on right now (the OS picks it; a small race is accepted in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface EchoReply {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Upstream {
  readonly url: string;
  readonly port: number;
  /** Every request it has answered, oldest first. */
  readonly requests: EchoReply[];
  close(): Promise<void>;
}

/** A real HTTP server that answers every request with what it received, as JSON. */
export async function startUpstream(): Promise<Upstream> {
  const requests: EchoReply[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://upstream');
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const values = url.searchParams.getAll(key);
        query[key] = values.length === 1 ? values[0]! : values;
      }
      const reply: EchoReply = { method: req.method ?? '', path: url.pathname, query, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(reply);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An upstream that can be killed and revived on its port (start() again), and made to flap: while
 * `failing`, the requests `failsOn` picks (every one unless given) are answered 500. It answers its
 * name as JSON, /health 200 while it is up, and counts the requests other than /health.
 */
export class KillableUpstream {
  private server: Server | null = null;
  failing = false;
  calls = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly failsOn: (path: string) => boolean = () => true,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const server = createHttpServer((req, res) => {
      if (req.url === '/health') return void res.end('ok');
      this.calls++;
      res.writeHead(this.failing && this.failsOn(req.url ?? '/') ? 500 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ upstream: this.name }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async kill(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
