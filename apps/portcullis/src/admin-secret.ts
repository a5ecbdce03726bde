import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export type AdminSecretSource = { kind: 'env' } | { kind: 'file'; path: string; created: boolean };

export interface AdminSecret {
  readonly secret: string;
  readonly source: AdminSecretSource;
}

/** Same rule as the services' ADMIN_SECRET, so a hand-edited file cannot start a service that would refuse it. */
const MIN_LENGTH = 16;

/**
 * ADMIN_SECRET when set; otherwise the one kept in `<dataDir>/admin-secret`, generated on first
 * start (32 random bytes, base64url) and readable by its owner only, so a restart keeps it.
 */
export async function resolveAdminSecret(dataDir: string, fromEnv: string | null): Promise<AdminSecret> {
  if (fromEnv) return { secret: fromEnv, source: { kind: 'env' } };
  const path = join(dataDir, 'admin-secret');
  const existing = await readSecretFile(path);
  if (existing !== null) {
    if (existing.length < MIN_LENGTH) {
      throw new Error(`${path} holds an admin secret shorter than ${MIN_LENGTH} characters; fix or delete it`);
    }
    return { secret: existing, source: { kind: 'file', path, created: false } };
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  // 'wx': if another start raced us here, fail rather than overwrite the secret it printed.
  await writeFile(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return { secret, source: { kind: 'file', path, created: true } };
}

async function readSecretFile(path: string): Promise<string | null> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
