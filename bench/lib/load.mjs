import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { commandExists, startProcess } from './processes.mjs';

/**
 * Load generators behind one interface: run(url, {connections, durationS, cpu}) resolves to
 * { rps, p50Ms, p99Ms, requests, errors, non2xx }. `wrk` (C, one thread) is preferred: it needs a
 * fraction of the core autocannon needs, so it does not become the bottleneck before nginx does.
 */

const wrkScript = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

const wrk = {
  name: 'wrk',
  available: () => commandExists('wrk'),
  async run(url, { connections, durationS, cpu }) {
    const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '5s', '-s', wrkScript, url];
    const proc = startProcess('wrk', 'wrk', args, { cpu });
    const { code } = await proc.exited;
    const match = /WRK_JSON (\{.*\})/.exec(proc.output());
    if (code !== 0 || !match) throw new Error(`wrk failed (exit ${code}):\n${proc.output()}`);
    const r = JSON.parse(match[1]);
    const { status, ...socketErrors } = r.errors;
    return {
      rps: r.requests / (r.duration_us / 1e6),
      p50Ms: r.p50_us / 1000,
      p99Ms: r.p99_us / 1000,
      requests: r.requests,
      errors: Object.values(socketErrors).reduce((a, b) => a + b, 0),
      non2xx: status,
    };
  },
};

const autocannon = {
  name: 'autocannon',
  available() {
    try {
      autocannonBin();
      return true;
    } catch {
      return false;
    }
  },
  async run(url, { connections, durationS, cpu }) {
    const args = [autocannonBin(), '--json', '-c', String(connections), '-d', String(durationS), url];
    const proc = startProcess('autocannon', process.execPath, args, { cpu });
    const { code } = await proc.exited;
    const line = proc.output().split('\n').find((l) => l.startsWith('{'));
    if (code !== 0 || !line) throw new Error(`autocannon failed (exit ${code}):\n${proc.output()}`);
    const r = JSON.parse(line);
    return {
      rps: r.requests.total / r.duration,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      requests: r.requests.total,
      errors: r.errors + r.timeouts,
      non2xx: r.non2xx,
    };
  },
};

function autocannonBin() {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('autocannon/package.json');
  return pkg.replace(/package\.json$/, 'autocannon.js');
}

export const loadGenerators = { wrk, autocannon };
