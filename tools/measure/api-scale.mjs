// Configuration at scale, measured on the built embedded launcher (`npm run build` first): N APIs
// created on an empty data folder, one of two ways (or each, on a fresh launcher):
//  - `single`: through POST /admin/apis by 8 concurrent clients, with the creation rate per 1,000
//    APIs (does the work per change grow with the APIs already held?);
//  - `import`: in one POST /admin/import (the bulk path), timed until the last API routes;
// and for each:
//  - one change at 10 APIs and at N: a create, then a delete, each timed from the admin call until
//    the gateway routes the new API (200 from the upstream) or no longer does (404); the median of
//    several;
//  - the process's memory per API: RSS and V8 heap after a full GC, at 10 APIs and at N.
// Usage:
//   node tools/measure/api-scale.mjs [count=10000] [clients=8] [mode=single|import|both]
// MEASURE_NODE_ARGS adds flags to the launcher's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const count = Number(process.argv[2] ?? 10_000);
const clients = Number(process.argv[3] ?? 8);
const mode = process.argv[4] ?? 'single';
if (!['single', 'import', 'both'].includes(mode)) throw new Error(`mode must be single, import or both, not ${mode}`);
const samples = 15;
const root = fileURLToPath(new URL('../../', import.meta.url));
const secret = 'api-scale-measure-secret-0123456789';
const auth = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
// The probe answers SIGUSR2 with the process's memory after a full GC, on stderr.
const probe = fileURLToPath(new URL('./memory-probe.cjs', import.meta.url));
const nodeArgs = (process.env.MEASURE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mb = (bytes) => (bytes / 1048576).toFixed(1);

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const upstream = createServer((request, response) => response.end('ok'));
await new Promise((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const target = `http://127.0.0.1:${upstream.address().port}`;

const definition = (name) => ({
  api_id: name,
  name,
  use_keyless: true,
  proxy: { listen_path: `/${name}/`, target_url: target, strip_listen_path: true },
});

/** One launcher on a fresh data folder: `way` (single or import) to N APIs, then the probes. */
async function measure(way) {
  const dataDir = await mkdtemp(join(tmpdir(), 'api-scale-'));
  const ports = { gateway: await freePort(), registry: await freePort(), auth: await freePort() };
  const gateway = `http://127.0.0.1:${ports.gateway}`;
  const registry = `http://127.0.0.1:${ports.registry}`;
  const child = spawn(process.execPath, [...nodeArgs, '--expose-gc', '--require', probe, 'apps/portcullis/dist/main.js'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      DATA_DIR: dataDir,
      ADMIN_SECRET: secret,
      GATEWAY_PORT: String(ports.gateway),
      REGISTRY_PORT: String(ports.registry),
      AUTH_PORT: String(ports.auth),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // A gateway that sees a revision gap fetches a whole snapshot: worth knowing how often that happened.
  let gaps = 0;
  const memoryWaiters = [];
  child.stdout.on('data', (chunk) => {
    output += chunk;
    gaps += String(chunk).split('missed a change').length - 1;
  });
  child.stderr.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) {
      gaps += line.split('missed a change').length - 1;
      if (line.startsWith('MEMORY ')) memoryWaiters.shift()?.(JSON.parse(line.slice(7)));
      else if (line.trim() !== '') process.stderr.write(`launcher: ${line}\n`);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  async function waitUntil(check, what, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await check()) return;
      if (child.exitCode !== null) throw new Error(`the launcher exited while waiting for ${what}:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  function memory() {
    return new Promise((resolve) => {
      memoryWaiters.push(resolve);
      child.kill('SIGUSR2');
    });
  }

  async function create(name) {
    const response = await fetch(`${registry}/admin/apis`, { method: 'POST', headers: auth, body: JSON.stringify(definition(name)) });
    if (response.status !== 201 && response.status !== 200) throw new Error(`POST /admin/apis ${name}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }

  async function routedStatus(name) {
    const response = await fetch(`${gateway}/${name}/`);
    await response.arrayBuffer();
    return response.status;
  }

  /** Milliseconds from the admin call until the gateway's answer for the API's path is `status`. */
  async function timeChange(call, name, status) {
    const started = performance.now();
    await call();
    while ((await routedStatus(name)) !== status) {
      if (performance.now() - started > 10_000) throw new Error(`${name} never answered ${status}`);
    }
    return performance.now() - started;
  }

  async function oneChange(label) {
    const creates = [];
    const deletes = [];
    for (let i = 0; i < samples; i++) {
      const name = `probe-${label}-${i}`;
      creates.push(await timeChange(() => create(name), name, 200));
      const remove = async () => {
        const response = await fetch(`${registry}/admin/apis/${name}`, { method: 'DELETE', headers: auth });
        await response.arrayBuffer();
        if (response.status !== 204) throw new Error(`DELETE ${name}: ${response.status}`);
      };
      deletes.push(await timeChange(remove, name, 404));
    }
    return { createMs: median(creates), deleteMs: median(deletes) };
  }

  let created = 0;
  async function createUpTo(total, onThousand) {
    let next = created;
    const worker = async () => {
      while (next < total) {
        const index = next++;
        await create(`api-${index}`);
        created++;
        if (created % 1000 === 0) onThousand(created);
      }
    };
    await Promise.all(Array.from({ length: clients }, worker));
  }

  /** The rest of the N APIs in one POST /admin/import; its answer's time, and until the last routes. */
  async function importRest(total) {
    const apis = Array.from({ length: total - created }, (_, i) => definition(`api-${created + i}`));
    const body = JSON.stringify({ apis });
    const started = performance.now();
    const response = await fetch(`${registry}/admin/import`, { method: 'POST', headers: auth, body });
    const report = await response.json();
    const answeredMs = performance.now() - started;
    if (response.status !== 200 || report.created !== apis.length)
      throw new Error(`POST /admin/import: ${response.status} ${JSON.stringify(report).slice(0, 500)}`);
    await waitUntil(async () => (await routedStatus(`api-${total - 1}`)) === 200, 'the last API to route');
    created = total;
    return { bodyBytes: Buffer.byteLength(body), answeredMs, routedMs: performance.now() - started };
  }

  try {
    await waitUntil(() => output.includes('Portcullis is running'), 'the banner', 600_000);
    await createUpTo(10, () => undefined);
    await waitUntil(async () => (await routedStatus('api-9')) === 200, 'the first APIs to route');
    const small = await oneChange('small');
    const memorySmall = await memory();

    const rates = [];
    const started = performance.now();
    let imported = null;
    if (way === 'single') {
      let blockStarted = started;
      await createUpTo(count, (done) => {
        const now = performance.now();
        const perSecond = Math.round(1000 / ((now - blockStarted) / 1000));
        rates.push({ apis: done, perSecond });
        process.stdout.write(`  ${done} APIs: ${perSecond}/s over the last 1,000\n`);
        blockStarted = now;
      });
      await waitUntil(async () => (await routedStatus(`api-${count - 1}`)) === 200, 'the last API to route');
    } else {
      imported = await importRest(count);
    }
    const totalSeconds = (performance.now() - started) / 1000;
    const large = await oneChange('large');
    const memoryLarge = await memory();

    const perApi = (field) => Math.round((memoryLarge[field] - memorySmall[field]) / (count - 10));
    console.log(
      `\n[${way}] ${count - 10} APIs created in ${totalSeconds.toFixed(1)} s, until the last routes (${Math.round((count - 10) / totalSeconds)}/s overall)`,
    );
    if (imported) {
      console.log(
        `[${way}] one POST /admin/import of ${mb(imported.bodyBytes)} MB: answered in ${(imported.answeredMs / 1000).toFixed(2)} s, the last API routed after ${(imported.routedMs / 1000).toFixed(2)} s`,
      );
    } else console.table(rates);
    console.table([
      { apis: 10, 'create → routed (ms)': small.createMs.toFixed(1), 'delete → 404 (ms)': small.deleteMs.toFixed(1) },
      { apis: count, 'create → routed (ms)': large.createMs.toFixed(1), 'delete → 404 (ms)': large.deleteMs.toFixed(1) },
    ]);
    console.table([
      { apis: 10, 'rss (MB)': mb(memorySmall.rss), 'heap used (MB)': mb(memorySmall.heapUsed), 'external (MB)': mb(memorySmall.external) },
      { apis: count, 'rss (MB)': mb(memoryLarge.rss), 'heap used (MB)': mb(memoryLarge.heapUsed), 'external (MB)': mb(memoryLarge.external) },
    ]);
    console.log(`[${way}] revision gaps the gateway saw (each one a whole snapshot fetched): ${gaps}`);
    console.log(
      `[${way}] per API: rss ${(perApi('rss') / 1024).toFixed(1)} KB, heap ${(perApi('heapUsed') / 1024).toFixed(1)} KB (after a full GC, registry and gateway together)`,
    );
    return { way, seconds: totalSeconds, small, large, perApiRssKb: perApi('rss') / 1024, perApiHeapKb: perApi('heapUsed') / 1024 };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  const results = [];
  for (const way of mode === 'both' ? ['single', 'import'] : [mode]) results.push(await measure(way));
  if (results.length > 1) {
    console.log(`\n${count} APIs, both ways:`);
    console.table(
      results.map((result) => ({
        way: result.way,
        'seconds to N APIs routed': result.seconds.toFixed(1),
        'create at N → routed (ms)': result.large.createMs.toFixed(1),
        'rss per API (KB)': result.perApiRssKb.toFixed(1),
        'heap per API (KB)': result.perApiHeapKb.toFixed(1),
      })),
    );
  }
} finally {
  upstream.close();
}
