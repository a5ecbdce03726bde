import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { embeddedPostgresInitSource, embeddedPostgresWorkerSource } from './embedded-postgres-worker-source.js';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the ordinary `pg` driver; use a pool of one connection. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL's own defaults size it for a server (128 MB of shared buffers, 100 connections), and
 * PGlite keeps them: about 280 MB resident per instance. One service's embedded database holds
 * megabytes of configuration and an append-mostly analytics table, read through the OS page cache
 * anyway (PGlite's files are ordinary files), so small buffers cost little: about 90 MB each.
 * PGlite serves one session, so a handful of connection slots is plenty.
 */
export const EMBEDDED_POSTGRES_SETTINGS: readonly string[] = Object.freeze([
  'shared_buffers = 16MB',
  'wal_buffers = 512kB',
  'work_mem = 2MB',
  'maintenance_work_mem = 16MB',
  'temp_buffers = 2MB',
  'max_connections = 5',
]);

/**
 * PostgreSQL compiled to WebAssembly (PGlite), kept in `dataDir` and served on a loopback port,
 * so the services run on the same entities, migrations and `pg` driver as against a real server.
 * PGlite is a single session: each service gets its own instance and a pool of one.
 *
 * Each instance runs in a worker thread of its own (see embedded-postgres-worker-source.ts): its
 * synchronous WebAssembly work never stalls the services' event loop. A new data directory is
 * first initialised (initdb) by a short-lived child process (see embeddedPostgresInitSource).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await initialiseEmbeddedPostgres([dataDir]);
  const worker = startWorker(dataDir);
  const url = await firstAnswer(worker, 'listening');
  return {
    url,
    async stop() {
      // Closed first (a checkpoint, the files synced), then the thread ended, whatever it still holds.
      const closed = new Promise<void>((resolve) => {
        worker.once('message', () => resolve());
        worker.once('exit', () => resolve());
      });
      worker.postMessage('stop');
      await closed;
      await worker.terminate();
    },
  };
}

const require = createRequire(import.meta.url);

/**
 * Initialises the data directories that are new (initdb), once: a new cluster is the same whatever
 * it is for, so the first is initialised and copied to the others (closed cleanly, a cold copy),
 * which halves the first start of the embedded mode (initdb is most of it).
 */
export async function initialiseEmbeddedPostgres(dataDirs: readonly string[]): Promise<void> {
  const fresh = dataDirs.filter((dir) => !existsSync(join(dir, 'PG_VERSION')));
  if (fresh.length === 0) return;
  const [first, ...others] = fresh as [string, ...string[]];
  await mkdir(first, { recursive: true });
  await initialise(first);
  for (const dir of others) await cp(first, dir, { recursive: true });
}

async function initialise(dataDir: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['-e', embeddedPostgresInitSource, require.resolve('@electric-sql/pglite'), dataDir, JSON.stringify(EMBEDDED_POSTGRES_SETTINGS)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
  if (code !== 0) throw new Error(`embedded PostgreSQL could not initialise ${dataDir}: ${stderr.trim().slice(-500) || `exit ${code ?? signal}`}`);
}

function startWorker(dataDir: string): Worker {
  return new Worker(embeddedPostgresWorkerSource, {
    eval: true,
    workerData: {
      pglitePath: require.resolve('@electric-sql/pglite'),
      socketPath: require.resolve('@electric-sql/pglite-socket'),
      dataDir,
      postgresqlConf: [...EMBEDDED_POSTGRES_SETTINGS],
    },
  });
}

/** The worker's first answer (`key`'s value), or its failure as an error. */
function firstAnswer(worker: Worker, key: 'listening'): Promise<string> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Record<string, unknown>) => {
      cleanup();
      if (typeof message.error === 'string') {
        reject(new Error(`embedded PostgreSQL could not start: ${message.error}`));
        void worker.terminate();
      } else resolve(String(message[key]));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`embedded PostgreSQL's thread ended (exit code ${code}) before it started`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}
