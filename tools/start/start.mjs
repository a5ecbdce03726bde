#!/usr/bin/env node
/**
 * `npm start`: compile what changed since the last start, then run the embedded launcher in this
 * process (one process, so Ctrl-C and SIGTERM reach the launcher's own shutdown handling). A fresh
 * clone has nothing compiled yet: say so before the compiler's silent seconds, and how long it took.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const main = fileURLToPath(new URL('../../apps/portcullis/dist/main.js', import.meta.url));
// The compiler's own entry point, as its package.json names it (its exports do not list bin/).
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve('typescript/package.json')), require('typescript/package.json').bin.tsc);

const firstStart = !existsSync(main);
const began = performance.now();
if (firstStart) process.stdout.write('Compiling TypeScript (first start only, under a minute) ...\n');

const build = spawnSync(process.execPath, [tsc, '-b', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write(`The build failed${build.signal ? ` (${build.signal})` : ''}; nothing was started.\n`);
  process.exit(build.status ?? 1);
}
if (firstStart) process.stdout.write(`Compiled in ${((performance.now() - began) / 1000).toFixed(1)} s.\n`);

await import(pathToFileURL(main).href);
