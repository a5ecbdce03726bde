import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockDataDir } from './data-dir-lock.js';

describe('lockDataDir', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('claims the directory with a pid file and frees it on release', async () => {
    const lock = await lockDataDir(dir);
    expect((await readFile(join(dir, 'portcullis.pid'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    await expect(stat(join(dir, 'portcullis.pid'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a directory held by a running process', async () => {
    // This test process stands in for another launcher that holds the directory.
    await writeFile(join(dir, 'portcullis.pid'), `${process.pid}\n`);
    await expect(lockDataDir(dir, process.pid + 1_000_000)).rejects.toThrow(new RegExp(`in use by another Portcullis \\(pid ${process.pid}\\)`));
  });

  it('takes over a pid file left by a process that has exited', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const deadPid = child.pid!;
    await new Promise((resolve) => child.once('exit', resolve));
    await writeFile(join(dir, 'portcullis.pid'), `${deadPid}\n`);
    const lock = await lockDataDir(dir);
    expect((await readFile(join(dir, 'portcullis.pid'), 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
  });
});
