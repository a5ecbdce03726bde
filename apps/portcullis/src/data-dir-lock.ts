import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface DataDirLock {
  release(): Promise<void>;
}

/**
 * PGlite keeps its files open for writing: two launchers on one data directory would corrupt it.
 * A pid file claims the directory; one left by a process that no longer runs (killed, crashed) is taken over.
 */
export async function lockDataDir(dataDir: string, pid: number = process.pid): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, 'portcullis.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(path, `${pid}\n`, { flag: 'wx' });
      return { release: () => rm(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) && holder !== pid && isRunning(holder)) {
        throw new Error(`${dataDir} is in use by another Portcullis (pid ${holder}); stop it or choose another DATA_DIR`, { cause: error });
      }
      await rm(path, { force: true });
    }
  }
  throw new Error(`Could not lock ${dataDir}: ${path} keeps reappearing`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else, which still means it is running.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
