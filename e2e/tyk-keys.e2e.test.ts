import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, waitFor, type StartedService } from './support/processes.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/**
 * Tyk's /tyk/keys on a gateway, served by the auth service over NATS: registry, auth and a gateway
 * as processes on the machine's NATS and PostgreSQL, entered through HTTP with Tyk's bodies.
 */
describeWithServices("keys: Tyk's /tyk/keys through the gateway, kept by the auth service", () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_keys');
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await database?.drop();
  });

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = tyk) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  it("creates a key with Tyk's reply; GET by key and by hash shows the session; the list holds hashes", async () => {
    const created = await call('POST', '/tyk/keys', { rate: 10, per: 60, quota_max: 100, quota_renewal_rate: 3600, meta_data: { team: 'orders' } });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ key: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), status: 'ok', action: 'added', key_hash: sha256(created.body.key) });
    const { key, key_hash } = created.body;

    const byKey = await call('GET', `/tyk/keys/${key}`);
    expect(byKey).toMatchObject({ status: 200, body: { rate: 10, per: 60, quota_max: 100, meta_data: { team: 'orders' } } });
    expect(await call('GET', `/tyk/keys/${key_hash}?hashed=true`)).toEqual(byKey);

    const listed = await call('GET', '/tyk/keys');
    expect(listed.status).toBe(200);
    expect(listed.body.keys).toContain(key_hash);
    expect(JSON.stringify(listed.body)).not.toContain(key);
  });

  it('the legacy /tyk/keys/create path and a chosen key both work; a short chosen key is refused naming the field', async () => {
    const legacy = await call('POST', '/tyk/keys/create', {});
    expect(legacy.body).toMatchObject({ status: 'ok', action: 'added' });
    const chosen = `my-chosen-key-${randomBytes(6).toString('hex')}`;
    expect(await call('POST', `/tyk/keys/${chosen}`, { rate: 1, per: 1 })).toEqual({
      status: 200,
      body: { key: chosen, status: 'ok', action: 'added', key_hash: sha256(chosen) },
    });
    expect(await call('POST', `/tyk/keys/${chosen}`, {})).toMatchObject({ status: 409, body: { status: 'error', error: 'conflict' } });
    expect(await call('POST', '/tyk/keys/short', {})).toMatchObject({
      status: 400,
      body: { status: 'error', error: 'validation_failed', details: [{ field: 'key' }] },
    });
  });

  it("updates and deletes, by key and by hash, with Tyk's replies; a deleted key is a 404", async () => {
    const { key, key_hash } = (await call('POST', '/tyk/keys', { rate: 1, per: 1 })).body;
    expect(await call('PUT', `/tyk/keys/${key}`, { rate: 50, per: 1 })).toEqual({ status: 200, body: { key, status: 'ok', action: 'modified', key_hash } });
    expect((await call('GET', `/tyk/keys/${key}`)).body.rate).toBe(50);
    expect(await call('PUT', `/tyk/keys/${key_hash}?hashed=true`, { rate: 60, per: 1 })).toMatchObject({ status: 200, body: { action: 'modified', key_hash } });
    expect(await call('DELETE', `/tyk/keys/${key_hash}?hashed=true`)).toEqual({
      status: 200,
      body: { key: key_hash, status: 'ok', action: 'deleted', key_hash },
    });
    expect(await call('GET', `/tyk/keys/${key}`)).toMatchObject({ status: 404, body: { status: 'error', error: 'not_found' } });
    expect(await call('DELETE', `/tyk/keys/${key}`)).toMatchObject({ status: 404 });
  });

  it("every bad session field comes back at once, in Tyk's error shape", async () => {
    const bad = await call('POST', '/tyk/keys', { rate: 'lots', quota_max: -9 });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', error: 'validation_failed' });
    expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['rate', 'quota_max']));
    expect(await call('POST', '/tyk/keys', [1, 2])).toMatchObject({ status: 400, body: { status: 'error', error: 'validation_failed' } });
  });

  it('a basic-auth key never shows its password; an HMAC key shows its secret only in the create reply', async () => {
    const username = `bob-${randomBytes(4).toString('hex')}`;
    const basic = await call('POST', `/tyk/keys/${username}`, { basic_auth_data: { password: 'hunter2-but-longer' } });
    expect(basic.body).toMatchObject({ key: username, action: 'added' });
    const shown = await call('GET', `/tyk/keys/${username}`);
    expect(shown.body.basic_auth_data).toEqual({ hash_type: 'scrypt' });
    expect(JSON.stringify(shown.body)).not.toContain('hunter2');

    const hmac = await call('POST', '/tyk/keys', { hmac_enabled: true });
    expect(hmac.body.hmac_string).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const read = await call('GET', `/tyk/keys/${hmac.body.key}`);
    expect(read.body.hmac_enabled).toBe(true);
    expect(JSON.stringify(read.body)).not.toContain(hmac.body.hmac_string);

    // At rest: neither the password nor the HMAC secret nor any key appears in the auth schema.
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      const rows = JSON.stringify((await db.query('SELECT * FROM auth.api_keys')).rows);
      for (const secret of ['hunter2', hmac.body.hmac_string, hmac.body.key]) expect(rows).not.toContain(secret);
    } finally {
      await db.end();
    }
  });

  it("a policy's key_expires_in sets the expiry of a key created with it", async () => {
    const policy = await call('POST', '/tyk/policies', { id: 'day-pass', name: 'Day pass', key_expires_in: 86_400, access_rights: {} });
    expect(policy.status).toBe(200);
    // The gateway holds policies from the registry's change events: wait until it has this one.
    const expires = await waitFor(
      async () => {
        const created = await call('POST', '/tyk/keys', { apply_policies: ['day-pass'] });
        const session = (await call('GET', `/tyk/keys/${created.body.key}`)).body;
        return session.expires > 0 ? session.expires : false;
      },
      { timeoutMs: 3_000, intervalMs: 50, message: 'a key expiring by the policy' },
    );
    const now = Math.floor(Date.now() / 1000);
    expect(expires).toBeGreaterThan(now + 86_400 - 30);
    expect(expires).toBeLessThanOrEqual(now + 86_400 + 1);
  });

  it('needs the admin secret', async () => {
    expect(await call('GET', '/tyk/keys', undefined, {})).toMatchObject({ status: 401, body: { status: 'error', error: 'unauthorized' } });
    expect(await call('POST', '/tyk/keys', {}, { 'x-tyk-authorization': 'wrong', 'content-type': 'application/json' })).toMatchObject({ status: 401 });
  });
});
