import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';

/**
 * Compiles a jq program without running it, for validation (a definition with a program jq cannot
 * compile is refused naming its field). jq-wasm only loads asynchronously, and validation is
 * synchronous everywhere it is called, so the check runs in a worker thread the caller waits for
 * with Atomics.wait (bounded): started the first time a definition carries a jq program, so a
 * process that never validates one never loads jq.
 *
 * The program is compiled as `empty | (PROGRAM)`: jq parses and binds all of it (a syntax error, an
 * unknown function or a module import is reported) and runs none of it, so a runaway program costs
 * nothing here. The newline keeps a trailing `# comment` from swallowing the closing parenthesis.
 */
const CHECK_TIMEOUT_MS = 10_000;

const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { loadJq } = require(workerData.jqPath);
const ready = loadJq();
parentPort.on('message', async ({ program, port, signal }) => {
  let error = null;
  try {
    const jq = await ready;
    const result = jq.raw('null', 'empty | (\\n' + program + '\\n)');
    if (result.exitCode !== 0) error = result.stderr.trim() || 'jq could not compile it';
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  port.postMessage({ error });
  port.close();
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
});
`;

let checker: Worker | null = null;

function startChecker(): Worker {
  const jqPath = createRequire(import.meta.url).resolve('jq-wasm');
  const worker = new Worker(workerSource, { eval: true, workerData: { jqPath } });
  // Idle between checks: it never keeps the process alive.
  worker.unref();
  worker.on('error', () => {
    if (checker === worker) checker = null;
  });
  return worker;
}

/** jq's compile error for `program` (its own words, the "jq: " prefixes dropped), or null when it compiles. */
export function jqCompileError(program: string): string | null {
  const worker = (checker ??= startChecker());
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ program, port: port2, signal }, [port2 as MessagePort]);
  const waited = Atomics.wait(signal, 0, 0, CHECK_TIMEOUT_MS);
  const reply = receiveMessageOnPort(port1) as { message: { error: string | null } } | undefined;
  port1.close();
  if (waited === 'timed-out' || reply === undefined) {
    // A checker that did not answer is dropped, not waited for (this check is synchronous).
    void worker.terminate();
    checker = null;
    return 'could not be checked (jq did not answer in time)';
  }
  const error = reply.message.error;
  return error === null ? null : tidy(error);
}

/** jq's stderr for a compile error, on one line, without its `jq: ` prefixes and the wrapper's line offset. */
function tidy(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^jq: (error: )?/, '').trim())
    .filter((line) => line !== '' && !/^\d+ compile errors?$/.test(line));
  return lines[0]!.replace(/ at <top-level>, line (\d+)(.*)$/, (_all, line: string, rest: string) => ` at line ${Number(line) - 1}${rest.replace(/:$/, '')}`);
}
