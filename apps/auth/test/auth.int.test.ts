import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type Reply } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';
import { authMigrations } from '../src/storage/schema.js';

const schema = `auth_int_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');

describeWithServices('auth service skeleton (PostgreSQL + NATS)', () => {
  let auth: RunningService;
  let caller: BusTransport;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });

  beforeAll(async () => {
    await db.connect();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'auth-int-test-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `auth-int-${tag}` });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `auth-int-caller-${tag}` });
    await caller.client.connect();
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('migrates its own schema: signing_keys exists there, with its columns', async () => {
    const columns = await db.query<{ column_name: string; data_type: string; is_nullable: string }>(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'signing_keys' ORDER BY ordinal_position`,
      [schema],
    );
    expect(columns.rows).toEqual([
      { column_name: 'id', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'alg', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'public_jwk', data_type: 'jsonb', is_nullable: 'NO' },
      { column_name: 'private_key_encrypted', data_type: 'text', is_nullable: 'NO' },
      { column_name: 'created_at', data_type: 'timestamp with time zone', is_nullable: 'NO' },
      { column_name: 'retired_at', data_type: 'timestamp with time zone', is_nullable: 'YES' },
    ]);
    const applied = await db.query<{ name: string }>(`SELECT name FROM "${schema}".migrations`);
    expect(applied.rows.map((row) => row.name)).toEqual(authMigrations.map((migration) => new migration().name));
    expect(applied.rows[0]?.name).toBe('CreateSigningKeys1732350000000');
  });

  it('answers /health and /ready', async () => {
    const health = await fetch(`${auth.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', service: 'auth' });
    const ready = await fetch(`${auth.url}/ready`);
    expect(ready.status).toBe(200);
  });

  it('answers unknown paths with the one JSON error body', async () => {
    const response = await fetch(`${auth.url}/no-such-path`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: 'not_found' });
  });

  it('answers auth.ping over NATS', async () => {
    const reply = await firstValueFrom(caller.client.send<Reply<{ service: 'auth' }>>(subjects.authPing, {}).pipe(timeout(5_000)));
    expect(reply).toEqual({ ok: true, value: { service: 'auth' } });
  });
});
