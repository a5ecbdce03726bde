import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAdminSecret } from './admin-secret.js';

describe('resolveAdminSecret', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-secret-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses ADMIN_SECRET when given, and writes nothing', async () => {
    const result = await resolveAdminSecret(join(dir, 'data'), 'from-the-environment-0123');
    expect(result).toEqual({ secret: 'from-the-environment-0123', source: { kind: 'env' } });
    await expect(stat(join(dir, 'data', 'admin-secret'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('generates 32 random bytes on first start, kept owner-only, and returns the same one afterwards', async () => {
    const data = join(dir, 'data');
    const first = await resolveAdminSecret(data, null);
    expect(first.source).toEqual({ kind: 'file', path: join(data, 'admin-secret'), created: true });
    expect(first.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(first.secret, 'base64url')).toHaveLength(32);
    expect((await stat(join(data, 'admin-secret'))).mode & 0o777).toBe(0o600);

    const second = await resolveAdminSecret(data, null);
    expect(second).toEqual({ secret: first.secret, source: { kind: 'file', path: join(data, 'admin-secret'), created: false } });
    expect((await readFile(join(data, 'admin-secret'), 'utf8')).trim()).toBe(first.secret);
  });

  it('gives two data directories different secrets', async () => {
    const a = await resolveAdminSecret(join(dir, 'a'), null);
    const b = await resolveAdminSecret(join(dir, 'b'), null);
    expect(a.secret).not.toBe(b.secret);
  });

  it('refuses a kept secret too short for the services to accept', async () => {
    await writeFile(join(dir, 'admin-secret'), 'short\n');
    await expect(resolveAdminSecret(dir, null)).rejects.toThrow(/shorter than 16/);
  });
});
