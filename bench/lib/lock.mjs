import { openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

/**
 * One benchmark at a time per machine: two runs pin to the same two cores and measure each other.
 * Waits (bounded) for a live holder; takes over a lock whose holder is gone.
 */
const lockFile = join(os.tmpdir(), 'portcullis-bench.lock');

function holder() {
  try {
    const pid = Number(readFileSync(lockFile, 'utf8'));
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    return error.code === 'EPERM' ? -1 : null;
  }
}

export async function acquireBenchLock(log, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      process.once('exit', release);
      return;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    const pid = holder();
    if (pid === null) {
      try {
        unlinkSync(lockFile);
      } catch {
        // A stale lock another run has removed first: try again either way.
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another benchmark (pid ${pid}) still holds ${lockFile}`);
    if (!told) log(`waiting for the benchmark already running (pid ${pid}) to finish...`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function release() {
  try {
    if (Number(readFileSync(lockFile, 'utf8')) === process.pid) unlinkSync(lockFile);
  } catch {
    // No lock file (or an unreadable one): nothing of ours to release.
  }
}
