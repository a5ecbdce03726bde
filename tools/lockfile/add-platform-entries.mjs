#!/usr/bin/env node
/**
 * Records every platform build of a package's optional native binaries in package-lock.json.
 *
 * Why: `npm ci` refuses a lock file that lacks an entry for any optional dependency (for example
 * @swc/core-darwin-arm64), but `npm install` writes entries only for the builds its registry serves.
 * The registry this project is developed against serves only the Linux builds, so a lock written
 * here would break `npm ci` everywhere, this machine included. An entry with a version and its
 * os/cpu/libc is all `npm ci` needs: on other platforms it skips the package without fetching it.
 *
 * Run after any change of dependencies:  npm install && npm run lock:platforms
 * `tools/lockfile/lockfile.test.ts` fails when an entry is missing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const lockPath = process.argv[2] ?? fileURLToPath(new URL('../../package-lock.json', import.meta.url));

/** os, cpu and libc of a platform build, read from its conventional package name. */
export function platformOf(name) {
  const os = /-(darwin|linux|win32|freebsd|android|openbsd|sunos|aix)(-|$)/.exec(name)?.[1];
  if (!os) return null;
  const cpu = /-(arm64|x64|ia32|arm|ppc64|s390x|riscv64|loong64)(-|$)/.exec(name)?.[1];
  const libc = /-musl(-|$)/.test(name) ? 'musl' : /-gnu(eabihf)?(-|$)/.test(name) ? 'glibc' : undefined;
  return { os: [os], ...(cpu ? { cpu: [cpu] } : {}), ...(libc ? { libc: [libc] } : {}) };
}

/** The optional platform builds some package asks for that the lock has no entry for. */
export function missingPlatformEntries(lock) {
  const missing = [];
  for (const meta of Object.values(lock.packages ?? {})) {
    for (const [name, version] of Object.entries(meta.optionalDependencies ?? {})) {
      if (lock.packages[`node_modules/${name}`] || !platformOf(name)) continue;
      missing.push({ name, version, dev: meta.dev === true });
    }
  }
  return missing;
}

function main() {
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  const missing = missingPlatformEntries(lock);
  for (const { name, version, dev } of missing) {
    lock.packages[`node_modules/${name}`] = { version, ...platformOf(name), ...(dev ? { dev: true } : {}), optional: true };
  }
  const [root, ...rest] = Object.entries(lock.packages);
  lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
  writeFileSync(lockPath, JSON.stringify(lock, null, 2) + '\n');
  console.log(`lock:platforms: added ${missing.length} platform entr${missing.length === 1 ? 'y' : 'ies'} to ${lockPath}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
