// Resident memory of the embedded start (`npm start`'s launcher, built: npm run build first), in
// this process: after loading the code, once started, at rest, after a full garbage collection, and
// the peak; then the share of the embedded PostgreSQL threads, measured by starting two of them
// alone in a fresh process. Usage:
//   node tools/measure/embedded-memory.mjs [data-dir]   (default: a new empty one, removed after)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const PGLITE_ONLY = process.argv[2] === '--pglite-only';
const mb = (bytes) => Math.round(bytes / 1048576);
const proc = () => {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+)`, 'm'))?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024), threads: kb('Threads') };
};
const sample = (label) => {
  const usage = process.memoryUsage();
  return { label, ...proc(), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external) };
};
// A full collection on demand, without asking for --expose-gc on the command line.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));

const given = process.argv[2] && !PGLITE_ONLY ? process.argv[2] : null;
const dataDir = given ?? mkdtempSync(join(tmpdir(), 'portcullis-memory-'));

if (PGLITE_ONLY) {
  // The embedded databases alone: what two PGlite threads (registry's and auth's) add to a process.
  const { startEmbeddedPostgres } = await import('../../libs/database/dist/index.js');
  const before = proc().rssMb;
  const databases = [await startEmbeddedPostgres(join(dataDir, 'registry')), await startEmbeddedPostgres(join(dataDir, 'auth'))];
  await settle();
  process.stdout.write(JSON.stringify({ rssBeforeMb: before, rssMb: proc().rssMb }));
  for (const database of databases) await database.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

const samples = [sample('node, nothing loaded')];
const { launch } = await import('../../apps/portcullis/dist/launch.js');
const { loadStartupConfig } = await import('../../apps/portcullis/dist/startup-config.js');
samples.push(sample('code loaded'));
const env = { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: '0', REGISTRY_PORT: '0', AUTH_PORT: '0', LOG_LEVEL: 'warn' };
const began = performance.now();
const portcullis = await launch(loadStartupConfig(env), env);
const startSeconds = ((performance.now() - began) / 1000).toFixed(1);
samples.push(sample('started'));
await settle();
samples.push(sample('at rest (3 s)'));
gc();
samples.push(sample('after a full GC'));
await portcullis.close();
if (!given) rmSync(dataDir, { recursive: true, force: true });

const databases = JSON.parse(spawnSync(process.execPath, [new URL(import.meta.url).pathname, '--pglite-only'], { encoding: 'utf8' }).stdout);
console.log(`embedded start (${given ? 'existing' : 'new, empty'} data dir), started in ${startSeconds} s`);
console.table(samples);
console.log(
  `the two embedded PostgreSQL threads alone: ${databases.rssMb - databases.rssBeforeMb} MB (a process at ${databases.rssBeforeMb} MB went to ${databases.rssMb} MB)`,
);
