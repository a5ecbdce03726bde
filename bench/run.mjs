// npm run bench — see bench/README.md. Orchestration only: the pieces live in lib/ and targets/.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuWindow, waitForQuiet } from './lib/cpu.mjs';
import { loadGenerators } from './lib/load.mjs';
import { acquireBenchLock } from './lib/lock.mjs';
import { probe } from './lib/checks.mjs';
import { atInterrupt, commandExists, httpGet, installCleanup, startProcess, stopAll } from './lib/processes.mjs';
import { settingsLine, textTable, writeResults } from './lib/report.mjs';
import { summarise } from './lib/stats.mjs';
import { listeningPort, TargetUnavailable } from './lib/target.mjs';
import { ensureTools } from './lib/tools.mjs';
import { COUNT_PATH, UPSTREAM_BODY } from './lib/upstream-body.mjs';
import { groups } from './targets/index.mjs';

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
  const only = process.env.BENCH_TARGETS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const groupNames =
    process.env.BENCH_GROUPS?.split(',')
      .map((s) => s.trim())
      .filter(Boolean) ?? groups.filter((g) => !g.onlyWhenNamed).map((g) => g.name);
  const unknown = groupNames.filter((name) => !groups.some((g) => g.name === name));
  if (unknown.length) throw new Error(`BENCH_GROUPS: no group ${unknown.join(', ')} (there are ${groups.map((g) => g.name).join(', ')})`);
  return {
    durationS: wholeNumber('BENCH_DURATION', 10),
    rounds: wholeNumber('BENCH_ROUNDS', 3),
    connections: wholeNumber('BENCH_CONNECTIONS', 50),
    warmupS: wholeNumber('BENCH_WARMUP', 3),
    retries: wholeNumber('BENCH_RETRIES', 1),
    quietWaitS: wholeNumber('BENCH_QUIET_WAIT', 10),
    loadCpu: pinning ? 0 : null,
    proxyCpu: pinning ? 1 : null,
    groups: groupNames,
    targets: only ?? groups.filter((g) => groupNames.includes(g.name)).flatMap((g) => g.targets.map((t) => t.name)),
  };
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/**
 * Starts a target and checks it answers right (its group's check: the upstream's exact body for a
 * proxy, a signed token for a token endpoint) to exactly the request the load generator will send.
 */
async function startTarget(state, ctx, group) {
  try {
    state.instance = await state.target.start(ctx);
    const wrong = (state.instance.check ?? group.check)(await probe(state.instance));
    if (wrong) throw new Error(`${state.instance.request?.method ?? 'GET'} ${state.instance.url} ${wrong}`);
    log(`  ${state.name}: ${state.instance.request?.method ?? 'GET'} ${state.instance.url} (pid ${state.instance.pid})`);
  } catch (error) {
    state.reason = error instanceof TargetUnavailable ? error.message : `failed to start: ${error.message.split('\n')[0]}`;
    log(`  ${state.name}: UNAVAILABLE — ${state.reason}`);
    if (!(error instanceof TargetUnavailable))
      log(
        error.message
          .split('\n')
          .slice(1)
          .map((l) => `    | ${l}`)
          .join('\n'),
      );
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
    // A target whose requests are used up (authorization codes) makes this run's before it is measured.
    await s.instance.beforeRun?.(options);
    const before = await waitForQuiet(QUIET, settings.quietWaitS * 1000);
    if (before !== null && before >= QUIET)
      log(`  (machine still busy: others at ${(before * 100).toFixed(0)}% after ${settings.quietWaitS} s; measuring anyway)`);
    const servedBefore = s.upstreamUrl ? await upstreamServed(s) : null;
    const window = cpuWindow(s.instance.pid, await companions(s));
    const r = await generator.run(s.instance.url, { ...options, request: s.instance.request });
    const cpu = window.end(await companions(s));
    r.foreignCpu = cpu.foreign;
    r.proxyCores = cpu.proxyCores;
    r.companionCores = cpu.companionCores;
    r.upstreamServed = s.upstreamUrl ? (await upstreamServed(s)) - servedBefore : null;
    if (!best || (r.foreignCpu ?? 0) < (best.foreignCpu ?? 0)) best = r;
    if (r.foreignCpu === null || r.foreignCpu < DISTURBED) break;
    if (attempt < settings.retries) log(`  ${s.name}: others used ${(r.foreignCpu * 100).toFixed(0)}% of the CPUs during the run; again`);
  }
  return best;
}

/** Pids outside our tree working for the target (its database's backends), if it names any. */
async function companions(s) {
  try {
    return (await s.instance.companions?.()) ?? [];
  } catch (error) {
    s.warnings.push(`companion processes unknown: ${error.message}`);
    return [];
  }
}

/** What the bench's upstream served, plus what a target's own upstreams did (`extraServed`: portcullis-lb's second target). */
async function upstreamServed(s) {
  const { body } = await httpGet(`${s.upstreamUrl}${COUNT_PATH}`, { timeoutMs: 5000 });
  return JSON.parse(body).served + ((await s.instance.extraServed?.()) ?? 0);
}

/** A group may fix its own concurrency (introspect: 32, as issue 15 measured); BENCH_CONNECTIONS, when set, wins. */
function groupConnections(group, settings) {
  return process.env.BENCH_CONNECTIONS ? settings.connections : (group.connections ?? settings.connections);
}

async function measure(states, generator, settings, group, scratchDir) {
  const running = () => states.filter((s) => s.instance);
  const options = { connections: groupConnections(group, settings), cpu: settings.loadCpu, scratchDir };
  if (settings.warmupS > 0) {
    log(`warm-up: ${settings.warmupS} s per target`);
    for (const s of running()) {
      const warmup = { ...options, durationS: settings.warmupS };
      await Promise.resolve(s.instance.beforeRun?.(warmup))
        .then(() => generator.run(s.instance.url, { ...warmup, request: s.instance.request }))
        .catch((error) => log(`  warm-up of ${s.name} failed: ${error.message.split('\n')[0]}`));
    }
  }
  // A group's own generator may measure the targets first (the latency group: their capacities).
  await generator.prepare?.(running(), { ...options, durationS: settings.durationS, log });
  for (let round = 1; round <= settings.rounds; round++) {
    for (const s of running()) {
      try {
        const r = await runWhenQuiet(s, generator, { ...options, durationS: settings.durationS }, settings);
        s.rounds.push(r);
        const problems = r.errors || r.non2xx ? `  (${r.errors} errors, ${r.non2xx} non-2xx)` : '';
        const foreign = r.foreignCpu === null ? '' : `  target ${r.proxyCores.toFixed(2)} cores, others ${(r.foreignCpu * 100).toFixed(0)}% of CPUs`;
        log(
          `round ${round}/${settings.rounds}  ${s.name.padEnd(20)} ${Math.round(r.rps).toString().padStart(7)} ${group.unit}` +
            `  p50 ${r.p50Ms.toFixed(2)} ms  p99 ${r.p99Ms.toFixed(2)} ms${foreign}${problems}`,
        );
      } catch (error) {
        s.warnings.push(`round ${round} failed: ${error.message.split('\n')[0]}`);
        log(`round ${round}/${settings.rounds}  ${s.name}: FAILED ${error.message}`);
      }
    }
  }
  // A target that stopped answering right during the run would have measured something else: say so.
  for (const s of running()) {
    const wrong = await probe(s.instance).then(s.instance.check ?? group.check, (e) => `failed: ${e.message}`);
    if (wrong) s.warnings.push(`after the run it ${wrong.slice(0, 120)}`);
  }
}

/** One group: start its targets, measure them in interleaved rounds, stop them; its rows. */
async function runGroup(group, ctx, generator, settings) {
  const states = group.targets
    .filter((t) => settings.targets.includes(t.name))
    .map((target) => ({
      target,
      name: target.name,
      description: target.description,
      instance: null,
      rounds: [],
      warnings: [],
      reason: null,
      upstreamUrl: group.upstream ? ctx.upstream.url : null,
    }));
  if (!states.length) return null;
  const stopTargets = async () => {
    for (const s of states) await s.instance?.stop().catch((e) => log(`stopping ${s.name}: ${e.message}`));
  };
  const forget = atInterrupt(stopTargets);
  try {
    log(`\n== ${group.name}: ${group.title}\nstarting targets:`);
    for (const state of states) await startTarget(state, ctx, group);
    log(`${settingsLine({ loadGenerator: (group.generator ?? generator).name, settings: { ...settings, connections: groupConnections(group, settings) } })}`);
    await measure(states, group.generator ?? generator, settings, group, ctx.tmpDir);
  } finally {
    await stopTargets();
    forget();
  }
  return {
    name: group.name,
    title: group.title,
    unit: group.unit,
    upstream: group.upstream,
    references: group.references,
    connections: groupConnections(group, settings),
    results: (group.summarise ?? ((rows) => rows))(summarise(states, group.references), states),
    textTable: group.textTable,
    markdownTable: group.markdownTable,
  };
}

async function main() {
  installCleanup(log);
  const settings = readSettings();
  await acquireBenchLock(log, 15 * 60_000);
  const startedAt = new Date().toISOString();
  const tmpDir = await mkdtemp(join(os.tmpdir(), 'portcullis-bench-'));
  const selected = groups.filter((g) => settings.groups.includes(g.name));
  const removeTmp = () => rm(tmpDir, { recursive: true, force: true });
  atInterrupt(removeTmp);
  let generator;
  const results = [];
  try {
    ensureTools(log);
    generator = loadGenerators.wrk.available() ? loadGenerators.wrk : loadGenerators.autocannon;
    if (generator !== loadGenerators.wrk)
      log("wrk unavailable: falling back to autocannon (it needs more CPU; figures near its ceiling are its, not the target's)");
    if (!generator.available()) throw new Error('no load generator: neither wrk nor autocannon is available');

    let upstream = null;
    if (selected.some((g) => g.upstream && g.targets.some((t) => settings.targets.includes(t.name)))) {
      const upstreamCpu = process.env.BENCH_UPSTREAM_CPU ? Number(process.env.BENCH_UPSTREAM_CPU) : null;
      const upstreamProc = startProcess('upstream', process.execPath, [join(benchDir, 'lib/upstream-server.mjs')], { cpu: upstreamCpu });
      upstream = { url: `http://127.0.0.1:${await listeningPort(upstreamProc)}`, pid: upstreamProc.pid };
      log(`upstream: ${upstream.url} (pid ${upstream.pid})`);
    }
    const ctx = { upstream, proxyCpu: settings.proxyCpu, targetCpu: settings.proxyCpu, loadCpu: settings.loadCpu, tmpDir, repoRoot, log };
    for (const group of selected) {
      const result = await runGroup(group, ctx, generator, settings);
      if (result) results.push(result);
    }
  } finally {
    await stopAll();
    await removeTmp();
  }

  const meta = {
    startedAt,
    finishedAt: new Date().toISOString(),
    commit: gitCommit(),
    loadGenerator: generator.name,
    settings,
    upstreamBodyBytes: Buffer.byteLength(UPSTREAM_BODY),
    machine: { cpu: os.cpus()[0]?.model ?? 'unknown', cpus: os.availableParallelism(), node: process.version },
  };
  console.log(`\n${settingsLine(meta)}`);
  for (const group of results)
    console.log(
      `\n${group.name}: ${group.title} (${group.connections} connections)\n${(group.textTable ?? textTable)(group.results, group.references, group.unit)}`,
    );
  console.log('');
  await writeResults(join(benchDir, 'results'), results, meta);
  log('written: bench/results/latest.json, bench/results/latest.md');
}

main().catch(async (error) => {
  log(`bench failed: ${error.stack ?? error}`);
  await stopAll();
  process.exit(1);
});
