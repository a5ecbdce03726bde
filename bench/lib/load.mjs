import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandExists, startProcess } from './processes.mjs';

/**
 * Load generators behind one interface: run(url, {connections, durationS, cpu, request}) resolves to
 * { rps, p50Ms, p99Ms, requests, errors, non2xx }. `wrk` (C, one thread) is preferred: it needs a
 * fraction of the core autocannon needs, so it does not become the bottleneck before nginx does.
 */

const wrkScript = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

/** A Lua string literal of any bytes: decimal escapes, always 3 digits (a digit may follow), for all but plain characters. */
function luaString(value) {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    out += /[A-Za-z0-9 _.,:;=+/-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * The script for a target's own request ({method, headers, body}; the path is the URL's): wrk.method,
 * wrk.headers and wrk.body set at load time, and no `request` function, so wrk still formats the
 * request once and keeps its fast path. Written beside the run's other scratch files.
 */
function wrkScriptFor(request, dir) {
  if (!request) return wrkScript;
  const lines = [`wrk.method = ${luaString(request.method ?? 'GET')}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  if (request.body !== undefined) lines.push(`wrk.body = ${luaString(request.body)}`);
  const file = join(dir, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(file, `${lines.join('\n')}\n${readFileSync(wrkScript, 'utf8')}`);
  return file;
}

const wrk = {
  name: 'wrk',
  available: () => commandExists('wrk'),
  async run(url, { connections, durationS, cpu, request, scratchDir }) {
    const script = wrkScriptFor(request, scratchDir);
    const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--timeout', '5s', '-s', script, url];
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
  async run(url, { connections, durationS, cpu, request }) {
    const own = [];
    if (request) {
      own.push('-m', request.method ?? 'GET');
      for (const [name, value] of Object.entries(request.headers ?? {})) own.push('-H', `${name}=${value}`);
      if (request.body !== undefined) own.push('-b', request.body);
    }
    const args = [autocannonBin(), '--json', '-c', String(connections), '-d', String(durationS), ...own, url];
    const proc = startProcess('autocannon', process.execPath, args, { cpu });
    const { code } = await proc.exited;
    const line = proc
      .output()
      .split('\n')
      .find((l) => l.startsWith('{'));
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
