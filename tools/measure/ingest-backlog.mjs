// Does one registry (and its PostgreSQL) keep up with the analytics of three gateways at full speed?
// Starts, as plain processes the way docker-compose.yml runs them (bench/lib/compose.mjs), one
// registry, one auth service and three gateways on a private nats-server (JetStream on) and a
// scratch database on the machine's PostgreSQL; creates one keyless API; loads the three gateways
// at once with wrk for a sustained run; and samples, every second, the registry's durable
// JetStream consumer: how many analytics messages wait (num_pending + num_ack_pending). Reports
// the published and ingested message rates, the backlog's slope (least squares over the second
// half of the run, when the start-up transient is over) and maximum, and how long it took to drain
// once the load stopped. Build first (`npm run build`).
// Usage:
//   node tools/measure/ingest-backlog.mjs [seconds=60] [connections-per-gateway=32]
// BENCH_DATABASE_URL names the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/test).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostService } from '../../bench/lib/compose.mjs';
import { databaseServer } from '../../bench/lib/portcullis-stack.mjs';
import { commandExists, freePort, httpGet, installCleanup, startProcess, stopAll, waitFor, waitForBody } from '../../bench/lib/processes.mjs';
import { createScratchDatabase, reachable, startPrivateNats } from '../../bench/lib/services.mjs';
import { UPSTREAM_BODY } from '../../bench/lib/upstream-body.mjs';

const seconds = Number(process.argv[2] ?? 60);
const connections = Number(process.argv[3] ?? 32);
const gatewayCount = 3;
const root = fileURLToPath(new URL('../../', import.meta.url));
const log = (message) => process.stdout.write(`${message}\n`);

for (const tool of ['wrk', 'nats-server']) if (!commandExists(tool)) throw new Error(`${tool} is not installed`);
if (!(await reachable(databaseServer))) throw new Error(`PostgreSQL is not reachable at ${databaseServer} (BENCH_DATABASE_URL)`);
installCleanup();

const tmp = await mkdtemp(join(tmpdir(), 'ingest-backlog-'));
const cleanups = [];
try {
  const nats = await startPrivateNats(tmp);
  cleanups.push(() => nats.stop());
  const database = await createScratchDatabase(databaseServer, 'portcullis_ingest');
  cleanups.push(() => database.drop());
  const adminSecret = randomBytes(24).toString('hex');

  const upstreamPort = await freePort();
  const upstream = startProcess('upstream', process.execPath, [join(root, 'bench/lib/upstream-server.mjs'), String(upstreamPort)]);
  await waitFor('the upstream', async () => (await httpGet(`http://127.0.0.1:${upstreamPort}/`)).status === 200, { process: upstream });

  const start = async (app, name) => {
    const port = await freePort();
    const spec = hostService(root, app, { port, adminSecret, natsUrl: nats.url, databaseUrl: database.url });
    const proc = startProcess(name, spec.program, spec.args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...spec.env }, cwd: root });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(`${name} /health`, async () => (await httpGet(`${url}/health`)).status === 200, { process: proc, timeoutMs: 60_000 });
    return { proc, url };
  };
  // The registry first: a gateway's first act is to ask it for a snapshot.
  const registry = await start('registry', 'registry');
  await start('auth', 'auth');
  const gateways = [];
  for (let i = 0; i < gatewayCount; i++) gateways.push(await start('gateway', `gateway-${i + 1}`));

  const response = await fetch(`${registry.url}/admin/apis`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      api_id: 'ingest',
      name: 'ingest',
      use_keyless: true,
      proxy: { listen_path: '/ingest/', target_url: `http://127.0.0.1:${upstreamPort}`, strip_listen_path: true },
    }),
  });
  if (response.status !== 201) throw new Error(`creating the API: ${response.status} ${await response.text()}`);
  for (const gateway of gateways) await waitForBody(`${gateway.url}/ingest/`, UPSTREAM_BODY, { process: gateway.proc, timeoutMs: 15_000 });

  const nc = await connect({ servers: nats.url, name: 'ingest-backlog-measure' });
  cleanups.push(() => nc.close());
  const jsm = await jetstreamManager(nc);
  // The stream exists once a gateway or the registry declared it (both do at start).
  const streamName = await waitFor('the analytics stream', async () => {
    for await (const name of jsm.streams.names()) if (name.startsWith('PORTCULLIS_ANALYTICS')) return name;
    return null;
  });
  const consumerName = 'registry-analytics';
  const sample = async () => {
    const [stream, consumer] = await Promise.all([jsm.streams.info(streamName), jsm.consumers.info(streamName, consumerName)]);
    return {
      at: performance.now(),
      published: stream.state.last_seq,
      ingested: consumer.ack_floor.stream_seq,
      pending: consumer.num_pending + consumer.num_ack_pending,
    };
  };
  await waitFor('the registry consumer', () => sample().then(() => true), { timeoutMs: 30_000 });

  log(`${gatewayCount} gateways, ${connections} connections each, ${seconds} s; NATS ${nats.url}, database ${database.name}`);
  const first = await sample();
  const samples = [first];
  const loads = gateways.map((gateway, i) => startProcess(`wrk-${i + 1}`, 'wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, `${gateway.url}/ingest/`]));
  const loadsDone = Promise.all(loads.map((load) => load.exited));
  let running = true;
  void loadsDone.then(() => (running = false));
  while (running) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await sample();
    samples.push(now);
    const previous = samples.at(-2);
    const perSecond = (field) => Math.round(((now[field] - previous[field]) * 1000) / (now.at - previous.at));
    log(`  ${Math.round((now.at - first.at) / 1000)} s: pending ${now.pending}, published ${perSecond('published')}/s, ingested ${perSecond('ingested')}/s`);
  }
  const loadEnd = samples.at(-1);
  const requests = loads.map((load) => Number(/(\d+) requests in/.exec(load.output())?.[1] ?? NaN));
  const rates = loads.map((load) => Number(/Requests\/sec:\s+([\d.]+)/.exec(load.output())?.[1] ?? NaN));

  // After the load: how long until the registry caught up with everything published.
  const drainStarted = performance.now();
  let last = loadEnd;
  while (last.pending > 0 && performance.now() - drainStarted < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await sample();
  }
  const drainSeconds = (performance.now() - drainStarted) / 1000;

  // Nothing lost: the requests the registry counted (its usage API, once the last window, up to
  // ANALYTICS_FLUSH_MS after the load, arrived) against those wrk saw answered. A request still in
  // flight when wrk stopped is counted by the gateway, not by wrk: the registry may count a few more.
  const answered = requests.reduce((a, b) => a + b, 0);
  const counted = async () => {
    const usage = await fetch(`${registry.url}/admin/analytics/usage?bucket=day&api_id=ingest`, { headers: { authorization: `Bearer ${adminSecret}` } });
    return (await usage.json()).buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  };
  let recorded = await counted();
  const countStarted = performance.now();
  while (performance.now() - countStarted < 30_000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await counted();
    if (now === recorded && now >= answered) break;
    recorded = now;
  }

  const secondHalf = samples.filter((entry) => entry.at - first.at >= ((loadEnd.at - first.at) * 1) / 2);
  const slope = leastSquaresSlope(secondHalf.map((entry) => [(entry.at - first.at) / 1000, entry.pending]));
  const loadSeconds = (loadEnd.at - first.at) / 1000;
  const published = (loadEnd.published - first.published) / loadSeconds;
  const ingested = (loadEnd.ingested - first.ingested) / loadSeconds;
  const maxPending = Math.max(...samples.map((entry) => entry.pending));
  const growing = slope > Math.max(1, published * 0.01);

  log('');
  console.table(gateways.map((gateway, i) => ({ gateway: `gateway-${i + 1}`, requests: requests[i], 'req/s': rates[i] })));
  log(
    `requests: ${requests.reduce((a, b) => a + b, 0)} in ${loadSeconds.toFixed(1)} s (${Math.round(rates.reduce((a, b) => a + b, 0))}/s over the three gateways)`,
  );
  log(`analytics messages: published ${published.toFixed(1)}/s, ingested ${ingested.toFixed(1)}/s during the load`);
  log(
    `backlog (pending + unacknowledged): max ${maxPending}, at the end of the load ${loadEnd.pending}, slope over the second half ${slope.toFixed(2)} messages/s`,
  );
  log(
    `requests the registry recorded: ${recorded} (${recorded >= answered ? `all ${answered} wrk saw answered, and ${recorded - answered} in flight when it stopped` : `${answered - recorded} FEWER than wrk saw answered`}), ${Math.round(recorded / loadSeconds)} requests/s ingested`,
  );
  log(`drained ${last.pending === 0 ? `in ${drainSeconds.toFixed(1)} s` : `NOT within 120 s (${last.pending} still pending)`} after the load stopped`);
  log(growing ? 'VERDICT: the backlog GROWS: the registry does not keep up' : 'VERDICT: no growing backlog: the registry keeps up');
} finally {
  await stopAll();
  for (const cleanup of cleanups.reverse()) await cleanup().catch((error) => log(`cleanup: ${error.message}`));
  await rm(tmp, { recursive: true, force: true });
}

/** The slope of the least-squares line through [x, y] points (0 for fewer than two). */
function leastSquaresSlope(points) {
  if (points.length < 2) return 0;
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - meanX) * (y - meanY);
    den += (x - meanX) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
