import { spawnSync } from 'node:child_process';
import { commandExists } from './processes.mjs';

/**
 * Makes sure the Debian tools the bench prefers are there (wrk, nginx from nginx-light), installing
 * them with apt-get when running as root. Never throws: whatever is still missing afterwards is
 * reported, and the run falls back (autocannon) or skips the target (nginx).
 */
const packages = { wrk: 'wrk', nginx: 'nginx-light' };

export function ensureTools(log) {
  const missing = () => Object.keys(packages).filter((command) => !commandExists(command));
  let absent = missing();
  if (absent.length === 0) return [];
  if (process.getuid?.() !== 0 || !commandExists('apt-get') || process.env.BENCH_NO_INSTALL) {
    log(`missing ${absent.join(', ')}; not installing (needs root and apt-get, and BENCH_NO_INSTALL unset)`);
    return absent;
  }
  const install = () => apt(['install', '-y', '--no-install-recommends', ...absent.map((c) => packages[c])]);
  log(`missing ${absent.join(', ')}: apt-get install -y ${absent.map((c) => packages[c]).join(' ')}`);
  // The package lists may be stale or absent (fresh container): update only when the install fails.
  if (!install()) {
    log('install failed; apt-get update, then once more');
    if (apt(['update'])) install();
  }
  absent = missing();
  if (absent.length) log(`still missing after apt-get: ${absent.join(', ')}`);
  return absent;
}

function apt(args) {
  const result = spawnSync('apt-get', args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 300_000,
  });
  return result.status === 0;
}
