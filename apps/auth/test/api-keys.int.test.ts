import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport, type BusTransport } from '@portcullis/bus';
import {
  subjects,
  type KeyChangedEvent,
  type KeyLookupReply,
  type KeyRecord,
  type OAuth1Consumer,
  type OAuth1TokenRecord,
  type Reply,
} from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastestRun } from '../../../tools/test/timing.js';
import { waitFor } from '../../../tools/test/wait-for.js';
import { startTestRegistry, type TestRegistryService } from '../../../tools/test/registry-service.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_keys_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface KeyRow {
  key_hash: string;
  kind: string;
  session: Record<string, unknown>;
  org_id: string;
  password_hash: string | null;
  secret_encrypted: string | null;
  consumer_key: string | null;
  expires_at: Date | null;
}

describeWithServices('API keys and credentials (PostgreSQL + NATS)', () => {
  /** The registry the auth service asks whether the APIs and policies its credentials name exist. */
  let registry: TestRegistryService;
  let auth: RunningService;
  let caller: BusTransport;
  let nats: NatsConnection;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  const changes: KeyChangedEvent[] = [];

  beforeAll(async () => {
    await db.connect();
    registry = await startTestRegistry({ adminSecret: 'registry-for-api-keys-' + randomBytes(8).toString('hex') });
    await registry.define({ apis: ['orders'], policies: ['gold'] });
    nats = await connect({ servers: testServices.natsUrl, name: `auth-keys-int-listener-${tag}` });
    const subscription = nats.subscribe(testServices.subjectPrefix + subjects.authKeyChanged);
    void (async () => {
      for await (const message of subscription) changes.push((message.json() as { data: KeyChangedEvent }).data);
    })();
    await nats.flush();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'auth-keys-int-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-keys-int-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-keys-int-caller-${tag}`,
    });
    await caller.client.connect();
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await nats?.drain();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    await registry?.destroy();
  });

  function busReply<T>(subject: string, payload: unknown): Promise<Reply<T>> {
    return firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(10_000)));
  }

  async function bus<T>(subject: string, payload: unknown): Promise<T> {
    const reply = await busReply<T>(subject, payload);
    if (!reply.ok) throw new Error(`${subject} failed: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  const lookup = (request: Record<string, unknown>) => bus<KeyLookupReply>(subjects.authKeysLookup, request);

  async function row(keyHash: string): Promise<KeyRow | undefined> {
    return (await db.query<KeyRow>(`SELECT * FROM "${schema}".api_keys WHERE key_hash = $1`, [keyHash])).rows[0];
  }

  async function changeSeen(keyHash: string, change: KeyChangedEvent['change']): Promise<void> {
    await waitFor(() => changes.some((event) => event.key_hash === keyHash && event.change === change), {
      timeoutMs: 5_000,
      intervalMs: 20,
      message: `a ${change} event for ${keyHash}`,
    });
  }

  describe('CRUD', () => {
    it('creates a key: 256-bit base64url, shown once, stored only as its SHA-256, announced', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { rate: 10, per: 60, org_id: 'acme', meta_data: { team: 'a' } } });
      expect(created.key).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.key_hash).toBe(sha256(created.key!));
      expect(created.session).toMatchObject({ rate: 10, per: 60, quota_max: -1, org_id: 'acme', meta_data: { team: 'a' } });
      const stored = await row(created.key_hash);
      expect(stored).toMatchObject({ kind: 'key', org_id: 'acme', password_hash: null, secret_encrypted: null });
      expect(JSON.stringify(stored)).not.toContain(created.key);
      await changeSeen(created.key_hash, 'created');
    });

    it('gets by key or by hash, never showing the key again; lists hashes', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { quota_max: 5, quota_renewal_rate: 60 } });
      const byKey = await bus<KeyRecord>(subjects.authKeysGet, { key: created.key });
      const byHash = await bus<KeyRecord>(subjects.authKeysGet, { key: created.key_hash, hashed: true });
      expect(byKey).toEqual({ key_hash: created.key_hash, session: created.session });
      expect(byHash).toEqual(byKey);
      const listed = await bus<KeyRecord[]>(subjects.authKeysList, {});
      expect(listed.map((k) => k.key_hash)).toContain(created.key_hash);
      expect(listed.every((k) => k.key === undefined)).toBe(true);
    });

    it('takes a chosen key of 16+ characters; refuses a short one and a duplicate', async () => {
      const chosen = `chosen-key-${tag}-0123456789`;
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { key: chosen, session: {} });
      expect(created).toMatchObject({ key: chosen, key_hash: sha256(chosen) });
      const short = await busReply(subjects.authKeysCreate, { key: 'short', session: {} });
      expect(short).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'key' }] } });
      const again = await busReply(subjects.authKeysCreate, { key: chosen, session: {} });
      expect(again).toMatchObject({ ok: false, error: { error: 'conflict' } });
    });

    it('reports every bad session field at once', async () => {
      const reply = await busReply(subjects.authKeysCreate, { session: { rate: 'fast', quota_max: -7, expires: 'never' } });
      expect(reply.ok).toBe(false);
      const fields = (reply as { error: { details: { field: string }[] } }).error.details.map((d) => d.field);
      expect(fields).toEqual(expect.arrayContaining(['rate', 'quota_max', 'expires']));
    });

    it("applies the policies' key_expires_in when the session applies policies and sets no expiry", async () => {
      const before = Math.floor(Date.now() / 1000);
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { apply_policies: ['gold'] }, key_expires_in: 3600 });
      // An hour from the moment it was made, which lies between these two readings of the clock.
      const after = Math.ceil(Date.now() / 1000);
      expect(created.session.expires).toBeGreaterThanOrEqual(before + 3600);
      expect(created.session.expires).toBeLessThanOrEqual(after + 3600);
      expect((await row(created.key_hash))?.expires_at?.getTime()).toBe(created.session.expires * 1000);
      const own = await bus<KeyRecord>(subjects.authKeysCreate, { session: { apply_policies: ['gold'], expires: before + 10 }, key_expires_in: 3600 });
      expect(own.session.expires).toBe(before + 10);
    });

    it('updates (announced) and deletes (announced; then 404 everywhere)', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { rate: 1, per: 1 } });
      const updated = await bus<KeyRecord>(subjects.authKeysUpdate, { key: created.key, session: { rate: 100, per: 1, is_inactive: true } });
      expect(updated).toMatchObject({ key_hash: created.key_hash, session: { rate: 100, is_inactive: true } });
      expect(updated.key).toBeUndefined();
      await changeSeen(created.key_hash, 'updated');
      expect((await bus<KeyRecord>(subjects.authKeysGet, { key: created.key })).session.rate).toBe(100);

      expect(await bus(subjects.authKeysDelete, { key: created.key_hash, hashed: true })).toEqual({ key_hash: created.key_hash });
      await changeSeen(created.key_hash, 'deleted');
      for (const subject of [subjects.authKeysGet, subjects.authKeysDelete]) {
        expect(await busReply(subject, { key: created.key })).toMatchObject({ ok: false, error: { error: 'not_found' } });
      }
      expect(await busReply(subjects.authKeysUpdate, { key: created.key, session: {} })).toMatchObject({ ok: false, error: { error: 'not_found' } });
      expect(await lookup({ kind: 'key', id: created.key })).toEqual({ found: false });
    });

    it('refuses a malformed reference: no key, a hash that is not one', async () => {
      expect(await busReply(subjects.authKeysGet, {})).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'key' }] } });
      expect(await busReply(subjects.authKeysGet, { key: 'nothex', hashed: true })).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
    });
  });

  describe('lookup: key', () => {
    it('finds a key by its value, with its session; unknown keys are not found', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { rate: 3, per: 1 } });
      expect(await lookup({ kind: 'key', id: created.key })).toEqual({ found: true, key_hash: created.key_hash, session: created.session });
      expect(await lookup({ kind: 'key', id: created.key_hash })).toEqual({ found: false });
      expect(await lookup({ kind: 'key', id: 'no-such-key-' + tag })).toEqual({ found: false });
      expect(await lookup({ kind: 'key', id: '' })).toEqual({ found: false });
    });

    it('returns expired and inactive sessions: the gateway answers 403 for them, not 401', async () => {
      const expires = Math.floor(Date.now() / 1000) - 60;
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { expires, is_inactive: true } });
      expect(await lookup({ kind: 'key', id: created.key })).toMatchObject({ found: true, session: { expires, is_inactive: true } });
    });

    it('refuses an unknown kind', async () => {
      expect(await busReply(subjects.authKeysLookup, { kind: 'carrier-pigeon', id: 'x' })).toMatchObject({
        ok: false,
        error: { error: 'validation_failed', details: [{ field: 'kind' }] },
      });
    });
  });

  describe('lookup: basic auth', () => {
    const username = `alice-${tag}`;
    const password = 'correct horse battery staple';
    let created: KeyRecord;

    beforeAll(async () => {
      created = await bus<KeyRecord>(subjects.authKeysCreate, { key: username, session: { basic_auth_data: { password }, rate: 5, per: 1 } });
    });

    it('stores only a scrypt hash and never shows the password', async () => {
      expect(created).toMatchObject({ key: username, key_hash: sha256(username) });
      expect(created.session.basic_auth_data).toEqual({ hash_type: 'scrypt' });
      const stored = await row(created.key_hash);
      expect(stored?.kind).toBe('basic');
      expect(stored?.password_hash).toMatch(/^scrypt\$/);
      expect(JSON.stringify(stored)).not.toContain(password);
      expect(JSON.stringify(await bus(subjects.authKeysGet, { key: username }))).not.toContain(password);
    });

    it('verifies the password: right → the session; wrong, missing or unknown user → not found', async () => {
      const found = await lookup({ kind: 'basic', id: username, password });
      expect(found).toEqual({ found: true, key_hash: created.key_hash, session: created.session });
      expect(JSON.stringify(found)).not.toContain(password);
      expect(await lookup({ kind: 'basic', id: username, password: password + '!' })).toEqual({ found: false });
      expect(await lookup({ kind: 'basic', id: username })).toEqual({ found: false });
      expect(await lookup({ kind: 'basic', id: `nobody-${tag}`, password })).toEqual({ found: false });
    });

    it('a username is not a bearer key', async () => {
      expect(await lookup({ kind: 'key', id: username })).toEqual({ found: false });
    });

    it('an unknown user costs a scrypt like a wrong password does (no timing oracle)', async () => {
      // The fastest of five tries is each path's own cost: load on the machine only adds time.
      let ghost = 0;
      const wrong = await fastestRun(5, () => lookup({ kind: 'basic', id: username, password: 'wrong' }));
      const unknown = await fastestRun(5, () => lookup({ kind: 'basic', id: `ghost-${ghost++}-${tag}`, password: 'wrong' }));
      // Without the dummy hash an unknown user answers in ~1 ms against tens of ms for a scrypt;
      // with it both cost one scrypt, and 0.4 is the margin.
      expect(unknown).toBeGreaterThan(wrong * 0.4);
    });

    it('an update that echoes GET keeps the password; a new password replaces it', async () => {
      const shown = await bus<KeyRecord>(subjects.authKeysGet, { key: username });
      await bus(subjects.authKeysUpdate, { key: username, session: { ...shown.session, rate: 9 } });
      expect(await lookup({ kind: 'basic', id: username, password })).toMatchObject({ found: true, session: { rate: 9 } });
      await bus(subjects.authKeysUpdate, { key: username, session: { basic_auth_data: { password: 'a new one' } } });
      expect(await lookup({ kind: 'basic', id: username, password })).toEqual({ found: false });
      expect(await lookup({ kind: 'basic', id: username, password: 'a new one' })).toMatchObject({ found: true });
    });
  });

  describe('lookup: HMAC', () => {
    it('generates a secret shown once, keeps it sealed, and gives it to a gateway looking the keyId up', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: { hmac_enabled: true, hmac_string: 'attacker-chosen' } });
      expect(created.hmac_string).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(created.session).not.toHaveProperty('hmac_string');
      const stored = await row(created.key_hash);
      expect(stored?.kind).toBe('hmac');
      expect(stored?.secret_encrypted).toMatch(/^v1\./);
      expect(JSON.stringify(stored)).not.toContain(created.hmac_string);
      expect(JSON.stringify(stored)).not.toContain('attacker-chosen');
      expect(JSON.stringify(await bus(subjects.authKeysGet, { key: created.key }))).not.toContain(created.hmac_string);

      expect(await lookup({ kind: 'hmac', id: created.key })).toEqual({
        found: true,
        key_hash: created.key_hash,
        session: created.session,
        secrets: { hmac: created.hmac_string },
      });
      expect(await lookup({ kind: 'key', id: created.key })).toEqual({ found: false });
      expect(await lookup({ kind: 'hmac', id: 'no-such-key-' + tag })).toEqual({ found: false });
    });

    it('a plain key is not an HMAC key until updated to one (the new secret is in that reply)', async () => {
      const created = await bus<KeyRecord>(subjects.authKeysCreate, { session: {} });
      expect(await lookup({ kind: 'hmac', id: created.key })).toEqual({ found: false });
      const updated = await bus<KeyRecord>(subjects.authKeysUpdate, { key: created.key, session: { hmac_enabled: true } });
      expect(updated.hmac_string).toBeDefined();
      expect(await lookup({ kind: 'hmac', id: created.key })).toMatchObject({ found: true, secrets: { hmac: updated.hmac_string } });
    });

    it('a ciphertext moved onto another row does not open', async () => {
      const one = await bus<KeyRecord>(subjects.authKeysCreate, { session: { hmac_enabled: true } });
      const two = await bus<KeyRecord>(subjects.authKeysCreate, { session: { hmac_enabled: true } });
      await db.query(
        `UPDATE "${schema}".api_keys SET secret_encrypted = (SELECT secret_encrypted FROM "${schema}".api_keys WHERE key_hash = $1) WHERE key_hash = $2`,
        [one.key_hash, two.key_hash],
      );
      expect(await busReply(subjects.authKeysLookup, { kind: 'hmac', id: two.key })).toMatchObject({ ok: false, error: { error: 'internal' } });
    });
  });

  describe('lookup: OAuth 1.0a', () => {
    it('issues consumer and token credentials once, sealed, and gives their secrets to a gateway', async () => {
      const consumer = await bus<OAuth1Consumer>(subjects.authOAuth1ConsumersCreate, { name: 'printer' });
      expect(consumer.consumer_key).toMatch(/^[0-9a-f]{32}$/);
      expect(consumer.consumer_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const token = await bus<OAuth1TokenRecord>(subjects.authOAuth1TokensCreate, { consumer_key: consumer.consumer_key, session: { rate: 2, per: 1 } });
      expect(token).toMatchObject({ consumer_key: consumer.consumer_key, key_hash: sha256(token.token), session: { rate: 2 } });

      const consumerRow = (await db.query(`SELECT * FROM "${schema}".oauth1_consumers WHERE consumer_key = $1`, [consumer.consumer_key])).rows[0];
      expect(JSON.stringify(consumerRow)).not.toContain(consumer.consumer_secret);
      const tokenRow = await row(token.key_hash);
      expect(tokenRow).toMatchObject({ kind: 'oauth1', consumer_key: consumer.consumer_key });
      expect(JSON.stringify(tokenRow)).not.toContain(token.token_secret);
      expect(JSON.stringify(tokenRow)).not.toContain(token.token);

      expect(await lookup({ kind: 'oauth1', id: consumer.consumer_key, token: token.token })).toEqual({
        found: true,
        key_hash: token.key_hash,
        session: token.session,
        secrets: { consumer: consumer.consumer_secret, token: token.token_secret },
      });
      await changeSeen(token.key_hash, 'created');
    });

    it('a token is found only with its own consumer, and is not a bearer key', async () => {
      const [a, b] = await Promise.all([
        bus<OAuth1Consumer>(subjects.authOAuth1ConsumersCreate, {}),
        bus<OAuth1Consumer>(subjects.authOAuth1ConsumersCreate, {}),
      ]);
      const token = await bus<OAuth1TokenRecord>(subjects.authOAuth1TokensCreate, { consumer_key: a.consumer_key, session: {} });
      expect(await lookup({ kind: 'oauth1', id: b.consumer_key, token: token.token })).toEqual({ found: false });
      expect(await lookup({ kind: 'oauth1', id: a.consumer_key })).toEqual({ found: false });
      expect(await lookup({ kind: 'key', id: token.token })).toEqual({ found: false });
    });

    it('refuses a token for an unknown consumer, and a session that tries to be basic auth', async () => {
      expect(await busReply(subjects.authOAuth1TokensCreate, { consumer_key: 'nope', session: {} })).toMatchObject({
        ok: false,
        error: { error: 'not_found' },
      });
      const consumer = await bus<OAuth1Consumer>(subjects.authOAuth1ConsumersCreate, {});
      expect(
        await busReply(subjects.authOAuth1TokensCreate, { consumer_key: consumer.consumer_key, session: { basic_auth_data: { password: 'x' } } }),
      ).toMatchObject({
        ok: false,
        error: { error: 'validation_failed' },
      });
    });
  });

  describe('OAuth 1.0a nonces, spent for the fleet', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claim = (request: Record<string, unknown>) => bus<{ fresh: boolean }>(subjects.authOAuth1NoncesClaim, request);

    it('only the first claim of a consumer, token, timestamp and nonce is fresh, however many race for it; another token or timestamp is another nonce', async () => {
      const timestamp = now();
      const request = { consumer_key: 'ck-nonce', token: 'tk-1', timestamp, nonce: 'n-1' };
      const raced = await Promise.all(Array.from({ length: 8 }, () => claim(request)));
      expect(raced.filter((reply) => reply.fresh)).toHaveLength(1);
      expect(await claim({ ...request, token: 'tk-2' })).toEqual({ fresh: true });
      expect(await claim({ ...request, token: '' })).toEqual({ fresh: true });
      expect(await claim({ ...request, timestamp: timestamp - 1 })).toEqual({ fresh: true });
      const [stored] = (
        await db.query(`SELECT expires_at FROM "${schema}".oauth1_nonces WHERE consumer_key = 'ck-nonce' AND token = 'tk-1' AND "timestamp" = $1`, [timestamp])
      ).rows;
      expect(new Date(stored.expires_at).getTime()).toBe((timestamp + 300) * 1000);
    });

    it('keeps nothing for a timestamp outside the window (the gateways refuse such requests anyway)', async () => {
      for (const timestamp of [now() - 301, now() + 301]) {
        expect(await claim({ consumer_key: 'ck-stale', token: '', timestamp, nonce: 'n' })).toEqual({ fresh: false });
      }
      expect((await db.query(`SELECT 1 FROM "${schema}".oauth1_nonces WHERE consumer_key = 'ck-stale'`)).rows).toEqual([]);
    });

    it('refuses a malformed claim, naming each field', async () => {
      expect(await busReply(subjects.authOAuth1NoncesClaim, { consumer_key: '', token: 3, timestamp: 1.5, nonce: 'x'.repeat(257) })).toMatchObject({
        ok: false,
        error: { error: 'validation_failed', details: [{ field: 'consumer_key' }, { field: 'token' }, { field: 'nonce' }, { field: 'timestamp' }] },
      });
      expect(await busReply(subjects.authOAuth1NoncesClaim, [])).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
    });
  });
});
