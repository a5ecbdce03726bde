import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { commandExists, freePort, startProcess, waitFor } from './processes.mjs';

/** True when something accepts TCP connections at the URL's host:port. */
export function reachable(url, timeoutMs = 1500) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port), timeout: timeoutMs });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket
      .once('connect', () => done(true))
      .once('timeout', () => done(false))
      .once('error', () => done(false));
  });
}

/**
 * A database of the bench's own on the machine's PostgreSQL, dropped afterwards: the services run
 * their migrations into it exactly as on a first deployment and touch nothing anyone else uses.
 */
export async function createScratchDatabase(serverUrl, prefix = 'portcullis_bench') {
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const run = async (sql) => {
    const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`) };
}

/**
 * A NATS server of the bench's own, when nats-server is installed. The machine's NATS is shared with
 * whatever else runs here (test suites start registries and gateways on it): over a shared server our
 * gateway could take a snapshot from someone else's registry (queue group) and theirs from ours.
 */
export async function startPrivateNats(tmpDir) {
  if (!commandExists('nats-server')) return null;
  const port = await freePort();
  const storeDir = join(tmpDir, 'nats');
  await mkdir(storeDir, { recursive: true });
  const proc = startProcess('nats-server', 'nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir]);
  const url = `nats://127.0.0.1:${port}`;
  await waitFor('nats-server to accept connections', () => reachable(url, 500), { process: proc, timeoutMs: 10_000 });
  return { url, stop: () => proc.stop() };
}
