import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, StopWaiting, waitFor } from './processes.js';

/**
 * A JetStream cluster of real `nats-server` processes on loopback, each with its own client,
 * route and monitoring port and its own store in a temporary directory: what the official NATS
 * chart runs on Kubernetes, small enough for one test.
 */

export const natsServerBinary = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface ClusterNode {
  /** The server's name: what JetStream reports as a stream's or the meta group's leader. */
  readonly name: string;
  readonly url: string;
  readonly monitorUrl: string;
  readonly pid: number;
  /** SIGKILL: no lame-duck mode, no goodbye to the routes, as when a machine dies. */
  kill(): Promise<void>;
  readonly alive: boolean;
  logs(): string;
}

export interface NatsCluster {
  readonly nodes: readonly ClusterNode[];
  /** Every client URL, comma-separated: a NATS_URL. */
  readonly natsUrl: string;
  stop(): Promise<void>;
}

/** A server's `/connz` entry, the fields the tests read. */
export interface ClientConnection {
  cid: number;
  name?: string;
  /** With `subs=detail`: what the connection subscribes to, and in which queue group. */
  subscriptions_list_detail?: { subject: string; qgroup?: string }[];
}

/** Children still running when the test process exits are killed, never left holding ports. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const MAX_LOG_CHARS = 128 * 1024;

export async function startNatsCluster(size = 3): Promise<NatsCluster> {
  const storeRoot = await mkdtemp(join(tmpdir(), 'portcullis-nats-cluster-'));
  const clusterName = `portcullis-e2e-${process.pid}`;
  const ports = await Promise.all(Array.from({ length: size }, async () => ({ client: await freePort(), route: await freePort(), monitor: await freePort() })));
  const routeUrl = (port: number) => `nats://127.0.0.1:${port}`;
  const nodes = ports.map((port, index) => {
    const name = `n${index + 1}`;
    const routes = ports.filter((other) => other !== port).map((other) => routeUrl(other.route));
    const child = spawn(
      natsServerBinary,
      [
        ...['--server_name', name, '--addr', '127.0.0.1', '--port', String(port.client), '--http_port', String(port.monitor)],
        ...['-js', '-sd', join(storeRoot, name)],
        ...['--cluster_name', clusterName, '--cluster', routeUrl(port.route), '--routes', routes.join(',')],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    running.add(child);
    let output = '';
    const capture = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-MAX_LOG_CHARS);
    };
    child.stdout!.on('data', capture);
    child.stderr!.on('data', capture);
    const exited = new Promise<void>((resolve) =>
      child.once('exit', () => {
        running.delete(child);
        resolve();
      }),
    );
    const gone = () => child.exitCode !== null || child.signalCode !== null;
    const node: ClusterNode = {
      name,
      url: `nats://127.0.0.1:${port.client}`,
      monitorUrl: `http://127.0.0.1:${port.monitor}`,
      pid: child.pid!,
      get alive() {
        return !gone();
      },
      async kill() {
        if (gone()) return;
        child.kill('SIGKILL');
        await exited;
      },
      logs: () => output,
    };
    return node;
  });
  const cluster: NatsCluster = {
    nodes,
    natsUrl: nodes.map((node) => node.url).join(','),
    async stop() {
      await Promise.all(nodes.map((node) => node.kill()));
      await rm(storeRoot, { recursive: true, force: true });
    },
  };
  try {
    await waitForMetaLeader(nodes, size);
  } catch (error) {
    await cluster.stop();
    throw new Error(`${(error as Error).message}\n${nodes.map((node) => `--- ${node.name} ---\n${node.logs()}`).join('\n')}`, { cause: error });
  }
  return cluster;
}

/**
 * Until every live server reports the same JetStream meta leader over a group of `size` peers:
 * before that, creating a stream fails ("JetStream system temporarily unavailable").
 */
export function waitForMetaLeader(nodes: readonly ClusterNode[], size: number, timeoutMs = 30_000): Promise<string> {
  return waitFor(
    async () => {
      const live = nodes.filter((node) => node.alive);
      if (live.length === 0) throw new StopWaiting('every nats-server has exited');
      const leaders = await Promise.all(
        live.map(async (node) => {
          const jsz = (await (await fetch(`${node.monitorUrl}/jsz`, { signal: AbortSignal.timeout(1_000) })).json()) as {
            meta_cluster?: { leader?: string; cluster_size?: number };
          };
          return jsz.meta_cluster?.cluster_size === size ? jsz.meta_cluster.leader : undefined;
        }),
      );
      const [first] = leaders;
      return first && leaders.every((leader) => leader === first) ? first : false;
    },
    { timeoutMs, intervalMs: 100, message: `a JetStream meta leader agreed by ${nodes.filter((node) => node.alive).length} nats-servers` },
  );
}

/** The client connections a server holds right now. */
export async function connectionsOn(node: ClusterNode): Promise<ClientConnection[]> {
  const connz = (await (await fetch(`${node.monitorUrl}/connz?limit=4096&subs=detail`, { signal: AbortSignal.timeout(1_000) })).json()) as {
    connections?: ClientConnection[];
  };
  return connz.connections ?? [];
}
