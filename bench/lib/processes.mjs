import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Every process the benchmark starts goes through here, so one place knows what to stop: on
 * success, on a thrown error, and on Ctrl-C / SIGTERM. Children stay in our process group, so a
 * terminal's Ctrl-C reaches them too even if this process is killed outright.
 */
const children = new Set();

let taskset = null;
function hasTaskset() {
  taskset ??= commandExists('taskset');
  return taskset;
}

export function commandExists(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `command args` (pinned to `cpu` with taskset when given; taskset execs, so the pid is the
 * program's own) and keeps the last lines of its output for error messages.
 */
export function startProcess(name, command, args, { cpu = null, env = process.env, cwd } = {}) {
  const pinned = cpu !== null && hasTaskset();
  const child = spawn(pinned ? 'taskset' : command, pinned ? ['-c', String(cpu), command, ...args] : args, {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  // Per stream, because a chunk can end mid-line (a long JSON report must stay one line).
  const keeper = () => {
    let partial = '';
    const push = (line) => {
      if (!line.trim()) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
    };
    return {
      data(chunk) {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop();
        lines.forEach(push);
      },
      end: () => push(partial),
    };
  };
  for (const stream of [child.stdout, child.stderr]) {
    const keep = keeper();
    stream.on('data', keep.data).on('end', keep.end);
  }
  let failed = false;
  // 'close', not 'exit': it comes after the output streams ended, so output() is complete.
  const exited = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  const handle = {
    name,
    pid: child.pid,
    child,
    exited,
    get running() {
      return !failed && child.exitCode === null && child.signalCode === null;
    },
    output: () => tail.join('\n'),
    stop: (signal = 'SIGTERM', graceMs = 5000) => stopProcess(handle, signal, graceMs),
  };
  children.add(handle);
  exited.then(() => children.delete(handle));
  child.once('error', (error) => {
    failed = true;
    tail.push(`spawn failed: ${error.message}`);
    children.delete(handle);
  });
  return handle;
}

async function stopProcess(handle, signal, graceMs) {
  if (!handle.running) return;
  try {
    handle.child.kill(signal);
  } catch {
    return;
  }
  const timer = new Promise((resolve) => setTimeout(resolve, graceMs, 'timeout'));
  if ((await Promise.race([handle.exited, timer])) === 'timeout' && handle.running) {
    handle.child.kill('SIGKILL');
    await Promise.race([handle.exited, new Promise((r) => setTimeout(r, 2000))]);
  }
}

export async function stopAll() {
  await Promise.all([...children].map((handle) => handle.stop()));
}

/** Stops every child on the way out, whatever the way out is. */
/**
 * Work to do if the run is interrupted that stopping processes does not cover (dropping a scratch
 * database, removing a temp dir). Returns a function that unregisters it once done normally.
 */
const interruptHooks = new Set();
export function atInterrupt(hook) {
  interruptHooks.add(hook);
  return () => interruptHooks.delete(hook);
}

export function installCleanup(log = console.error) {
  let stopping = false;
  const onSignal = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`\n${signal}: stopping ${children.size} process(es)...`);
    const hooks = Promise.allSettled([...interruptHooks].map((hook) => hook()));
    await Promise.race([hooks, new Promise((resolve) => setTimeout(resolve, 15_000))]);
    await stopAll();
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);
  // Last resort if something exits synchronously: no awaiting possible, so SIGKILL.
  process.once('exit', () => {
    for (const handle of children) if (handle.running) handle.child.kill('SIGKILL');
  });
}

/** An ephemeral loopback port, free at the moment of asking (for programs that need a fixed number). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` until it returns a truthy value, the process dies, or the deadline passes; a bounded
 * wait with the process's own output in the error, never a fixed sleep.
 */
export async function waitFor(description, check, { timeoutMs = 30_000, intervalMs = 100, process: handle } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (handle && !handle.running) {
      throw new Error(`${handle.name} exited while waiting for ${description}:\n${handle.output()}`);
    }
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const why = lastError ? ` (last error: ${lastError.message})` : '';
  const output = handle ? `\n${handle.output()}` : '';
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}${why}${output}`);
}

/** One GET with a timeout; resolves to {status, body} or throws. */
export async function httpGet(url, { timeoutMs = 2000, headers } = {}) {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
  return { status: response.status, body: await response.text() };
}

/** Resolves once `url` answers 200 with `body` (when given): the target is really serving. */
export function waitForBody(url, body, options) {
  return waitFor(
    `${url} to answer 200`,
    async () => {
      const response = await httpGet(url);
      return response.status === 200 && (body === undefined || response.body === body);
    },
    options,
  );
}
