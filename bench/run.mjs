// npm run bench — see bench/README.md. Orchestration only: the pieces live in lib/ and targets/.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuWindow, waitForQuiet } from './lib/cpu.mjs';
import { loadGenerators } from './lib/load.mjs';
import { acquireBenchLock } from './lib/lock.mjs';
import { atInterrupt, commandExists, httpGet, installCleanup, startProcess, stopAll } from './lib/processes.mjs';
import { settingsLine, textTable, writeResults } from './lib/report.mjs';
import { summarise } from './lib/stats.mjs';
import { listeningPort, TargetUnavailable } from './lib/target.mjs';
import { ensureTools } from './lib/tools.mjs';
import { COUNT_PATH, UPSTREAM_BODY } from './lib/upstream-body.mjs';
import { references, targets } from './targets/index.mjs';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = join(benchDir, '..');
const log = (message) => console.error(message);
/** Other processes' share of the CPUs: below QUIET a run may start; above DISTURBED it is redone. */
const QUIET = 0.03;
const DISTURBED = 0.05;

function wholeNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  const min = ['BENCH_WARMUP', 'BENCH_RETRIES', 'BENCH_QUIET_WAIT'].includes(name) ? 0 : 1;
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, got "${raw}"`);
  }
  return value;
}

function readSettings() {
  const pinning = os.availableParallelism() >= 2 && commandExists('taskset');
  if (!pinning) log('warning: fewer than 2 CPUs or no taskset: load generator and proxies are NOT pinned');
  const only = process.env.BENCH_TARGETS?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    durationS: wholeNumber('BENCH_DURATION', 10),
    rounds: wholeNumber('BENCH_ROUNDS', 3),
    connections: wholeNumber('BENCH_CONNECTIONS', 50),
    warmupS: wholeNumber('BENCH_WARMUP', 3),
    retries: wholeNumber('BENCH_RETRIES', 1),
    quietWaitS: wholeNumber('BENCH_QUIET_WAIT', 10),
    loadCpu: pinning ? 0 : null,
    proxyCpu: pinning ? 1 : null,
    targets: only ?? targets.map((t) => t.name),
  };
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Starts a target and checks it really proxies: 200 and the upstream's exact body. */
async function startTarget(state, ctx) {
  try {
    state.instance = await state.target.start(ctx);
    const { status, body } = await httpGet(state.instance.url, { timeoutMs: 5000 });
    if (status !== 200 || body !== UPSTREAM_BODY) {
      throw new Error(`${state.instance.url} answered ${status} ${JSON.stringify(body.slice(0, 200))}, not the upstream's body`);
    }
    log(`  ${state.name}: ${state.instance.url} (pid ${state.instance.pid})`);
  } catch (error) {
    state.reason = error instanceof TargetUnavailable ? error.message : `failed to start: ${error.message.split('\n')[0]}`;
    log(`  ${state.name}: UNAVAILABLE — ${state.reason}`);
    if (!(error instanceof TargetUnavailable)) log(error.message.split('\n').slice(1).map((l) => `    | ${l}`).join('\n'));
    if (state.instance) await state.instance.stop().catch(() => {});
    state.instance = null;
  }
}

/**
 * One measured run, started when the machine is quiet and redone (a bounded number of times) when
 * other processes took more than their share while it ran; the least disturbed attempt is kept.
 */
async function runWhenQuiet(s, generator, options, settings) {
  let best = null;
  for (let attempt = 0; attempt <= settings.retries; attempt++) {
    const before = await waitForQuiet(QUIET, settings.quietWaitS * 1000);
    if (before !== null && before >= QUIET) log(`  (machine still busy: others at ${(before * 100).toFixed(0)}% after ${settings.quietWaitS} s; measuring anyway)`);
    const servedBefore = await upstreamServed(s.upstreamUrl);
    const window = cpuWindow(s.instance.pid);
    const r = await generator.run(s.instance.url, options);
    const cpu = window.end();
    r.foreignCpu = cpu.foreign;
    r.proxyCores = cpu.proxyCores;
    r.upstreamServed = (await upstreamServed(s.upstreamUrl)) - servedBefore;
    if (!best || (r.foreignCpu ?? 0) < (best.foreignCpu ?? 0)) best = r;
    if (r.foreignCpu === null || r.foreignCpu < DISTURBED) break;
    if (attempt < settings.retries) log(`  ${s.name}: others used ${(r.foreignCpu * 100).toFixed(0)}% of the CPUs during the run; again`);
  }
  return best;
}

async function upstreamServed(upstreamUrl) {
  const { body } = await httpGet(`${upstreamUrl}${COUNT_PATH}`, { timeoutMs: 5000 });
  return JSON.parse(body).served;
}

async function measure(states, generator, settings) {
  const running = () => states.filter((s) => s.instance);
  const options = { connections: settings.connections, cpu: settings.loadCpu };
  if (settings.warmupS > 0) {
    log(`warm-up: ${settings.warmupS} s per target`);
    for (const s of running()) await generator.run(s.instance.url, { ...options, durationS: settings.warmupS }).catch(() => {});
  }
  for (let round = 1; round <= settings.rounds; round++) {
    for (const s of running()) {
      try {
        const r = await runWhenQuiet(s, generator, { ...options, durationS: settings.durationS }, settings);
        s.rounds.push(r);
        const problems = r.errors || r.non2xx ? `  (${r.errors} errors, ${r.non2xx} non-2xx)` : '';
        const foreign = r.foreignCpu === null ? '' : `  target ${r.proxyCores.toFixed(2)} cores, others ${(r.foreignCpu * 100).toFixed(0)}% of CPUs`;
        log(`round ${round}/${settings.rounds}  ${s.name.padEnd(20)} ${Math.round(r.rps).toString().padStart(7)} req/s` +
          `  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms${foreign}${problems}`);
      } catch (error) {
        s.warnings.push(`round ${round} failed: ${error.message.split('\n')[0]}`);
        log(`round ${round}/${settings.rounds}  ${s.name}: FAILED ${error.message}`);
      }
    }
  }
  // A target that stopped proxying during the run would have measured something else: say so.
  for (const s of running()) {
    const check = await httpGet(s.instance.url, { timeoutMs: 5000 }).catch((e) => ({ status: e.message, body: '' }));
    if (check.status !== 200 || check.body !== UPSTREAM_BODY) s.warnings.push(`after the run it answered ${check.status}`);
  }
}

async function main() {
  installCleanup(log);
  const settings = readSettings();
  await acquireBenchLock(log, 15 * 60_000);
  const startedAt = new Date().toISOString();
  const tmpDir = await mkdtemp(join(os.tmpdir(), 'portcullis-bench-'));
  const states = targets
    .filter((t) => settings.targets.includes(t.name))
    .map((target) => ({ target, name: target.name, description: target.description, instance: null, rounds: [], warnings: [], reason: null }));
  let generator;
  const stopTargets = async () => {
    for (const s of states) await s.instance?.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
    await rm(tmpDir, { recursive: true, force: true });
  };
  atInterrupt(stopTargets);
  try {
    ensureTools(log);
    generator = loadGenerators.wrk.available() ? loadGenerators.wrk : loadGenerators.autocannon;
    if (generator !== loadGenerators.wrk) log('wrk unavailable: falling back to autocannon (it needs more CPU; figures near its ceiling are its, not the target\'s)');
    if (!generator.available()) throw new Error('no load generator: neither wrk nor autocannon is available');

    const upstreamCpu = process.env.BENCH_UPSTREAM_CPU ? Number(process.env.BENCH_UPSTREAM_CPU) : null;
    const upstreamProc = startProcess('upstream', process.execPath, [join(benchDir, 'lib/upstream-server.mjs')], { cpu: upstreamCpu });
    const upstream = { url: `http://127.0.0.1:${await listeningPort(upstreamProc)}`, pid: upstreamProc.pid };
    log(`upstream: ${upstream.url} (pid ${upstream.pid})\nstarting targets:`);
    const ctx = { upstream, proxyCpu: settings.proxyCpu, loadCpu: settings.loadCpu, tmpDir, repoRoot, log };
    for (const state of states) {
      state.upstreamUrl = upstream.url;
      await startTarget(state, ctx);
    }

    log(`${settingsLine({ loadGenerator: generator.name, settings })}`);
    await measure(states, generator, settings);
  } finally {
    await stopTargets();
    await stopAll();
  }

  const rows = summarise(states, references);
  const meta = {
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    loadGenerator: generator.name,
    settings,
    upstreamBodyBytes: Buffer.byteLength(UPSTREAM_BODY),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cpus: os.availableParallelism(), node: process.version },
  };
  console.log(`\n${settingsLine(meta)}\n\n${textTable(rows, references)}\n`);
  await writeResults(join(benchDir, 'results'), rows, references, meta);
  log('written: bench/results/latest.json, bench/results/latest.md');
}

main().catch(async (error) => {
  log(`bench failed: ${error.stack ?? error}`);
  await stopAll();
  process.exit(1);
});
