// How long the embedded start's event loop (the gateway's data plane shares it with the registry
// and auth) is held up while the gateway serves a keyless API with analytics on, at a constant rate
// below its capacity (so a delay is a stall, not a saturated loop), while the registry ingests every
// request's record into its embedded PostgreSQL. Built code (npm run build first), a new data dir,
// the bench's upstream and its open-loop client (bench/lib/open-loop-client.mjs) in their own
// processes. Usage:
//   node tools/measure/embedded-event-loop.mjs [seconds] [requests per second]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { launch } from '../../apps/portcullis/dist/launch.js';
import { loadStartupConfig } from '../../apps/portcullis/dist/startup-config.js';

const seconds = Number(process.argv[2] ?? 20);
const rate = Number(process.argv[3] ?? 500);
const dataDir = mkdtempSync(join(tmpdir(), 'portcullis-event-loop-'));
const upstream = spawn(process.execPath, [new URL('../../bench/lib/upstream-server.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = await once(upstream.stdout.setEncoding('utf8'), 'data');
const upstreamUrl = `http://127.0.0.1:${line.match(/listening on (\d+)/)[1]}`;

const env = { ...process.env, DATA_DIR: dataDir, GATEWAY_PORT: '0', REGISTRY_PORT: '0', AUTH_PORT: '0', LOG_LEVEL: 'warn' };
const portcullis = await launch(loadStartupConfig(env), env);
try {
  const created = await fetch(`${portcullis.registry.url}/admin/apis`, {
    method: 'POST',
    headers: { authorization: `Bearer ${portcullis.adminSecret.secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'loop', use_keyless: true, proxy: { listen_path: '/loop/', target_url: upstreamUrl, strip_listen_path: true } }),
  });
  if (created.status !== 201) throw new Error(`creating the API answered ${created.status}: ${await created.text()}`);
  const url = `${portcullis.gateway.url}/loop/`;
  for (
    let deadline = Date.now() + 15_000;
    (await fetch(url)
      .then((r) => r.status)
      .catch(() => 0)) !== 200;
  ) {
    if (Date.now() > deadline) throw new Error(`${url} never answered 200`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  const idle = monitorEventLoopDelay({ resolution: 1 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  idle.disable();

  const loaded = monitorEventLoopDelay({ resolution: 1 });
  loaded.enable();
  // The client runs as its own process (asynchronous spawn: this event loop keeps serving meanwhile).
  const clientPath = new URL('../../bench/lib/open-loop-client.mjs', import.meta.url).pathname;
  const client = spawn(process.execPath, [clientPath, url, String(rate), String(seconds), '50'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  client.stdout.setEncoding('utf8').on('data', (chunk) => (output += chunk));
  await once(client, 'exit');
  loaded.disable();
  const answered = JSON.parse(output.match(/OPEN_LOOP_JSON (\{.*\})/)[1]);

  const ms = (histogram, p) => (histogram.percentile(p) / 1e6).toFixed(1);
  const row = (label, histogram) => ({
    label,
    p50Ms: ms(histogram, 50),
    p99Ms: ms(histogram, 99),
    p999Ms: ms(histogram, 99.9),
    maxMs: (histogram.max / 1e6).toFixed(1),
  });
  const f = (v) => v.toFixed(2);
  console.log(
    `${rate} req/s for ${seconds} s: ${answered.done} answered (${answered.errors} errors, ${answered.non2xx} non-2xx); ` +
      `latency from the due time p50 ${f(answered.p50Ms)} ms, p99 ${f(answered.p99Ms)} ms, p99.9 ${f(answered.p999Ms)} ms, max ${f(answered.maxMs)} ms`,
  );
  console.log('event-loop delay of the embedded process (monitorEventLoopDelay, 1 ms resolution):');
  console.table([row('idle, 3 s', idle), row(`under load, ${seconds} s`, loaded)]);
} finally {
  await portcullis.close();
  upstream.kill();
  rmSync(dataDir, { recursive: true, force: true });
}
