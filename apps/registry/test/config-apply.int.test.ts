import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport } from '@portcullis/bus';
import { subjects, type ApiChangedEvent } from '@portcullis/contracts';
import { openDatabase } from '@portcullis/database';
import { routeKey, type ApiDefinition } from '@portcullis/domain';
import type { RunningService } from '@portcullis/http';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeEach, expect, it, vi } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { ApplyRejected, ConfigApplyService } from '../src/config-apply/config-apply.service.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';
import { RootModule } from '../src/root.module.js';
import { registryEntities, registryMigrations } from '../src/schema.js';
import { ApiStore } from '../src/storage/api-store.js';
import { DeferrableRouteKey1764580000000 } from '../src/storage/migrations/1764580000000-deferrable-route-key.js';

const secret = 'config-apply-int-secret-' + randomBytes(8).toString('hex');
const schemas: string[] = [];

/**
 * A registry (HTTP admin API, change events on its own subject prefix), and the registry's services
 * over the same schema, so a test can step into an apply's transaction where no route can.
 */
async function startRegistry() {
  const tag = randomBytes(6).toString('hex');
  const schema = `registry_apply_${tag}`;
  schemas.push(schema);
  const prefix = `${testServices.subjectPrefix}a${tag}.`;
  const nats: NatsConnection = await connect({ servers: testServices.natsUrl, name: `config-apply-int-${tag}` });
  const events: ApiChangedEvent[] = [];
  const subscription = nats.subscribe(prefix + subjects.registryApiChanged);
  void (async () => {
    for await (const message of subscription) events.push((message.json() as { data: ApiChangedEvent }).data);
  })();
  await nats.flush();
  const config = loadRegistryConfig({
    NATS_URL: testServices.natsUrl,
    NATS_SUBJECT_PREFIX: prefix,
    REGISTRY_PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_SECRET: secret,
    LOG_LEVEL: 'silent',
  });
  const transport = () => createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: prefix, name: `config-apply-int-${tag}` });
  const registry: RunningService = await createRegistryApp(config, { transport: transport(), database: { url: testServices.databaseUrl, schema } });
  const dataSource: DataSource = await openDatabase({
    url: testServices.databaseUrl,
    schema,
    entities: registryEntities,
    migrations: registryMigrations,
    poolSize: 4,
    applicationName: 'config-apply-int-test',
  });
  const servicesTransport = transport();
  await servicesTransport.client.connect();
  const services: INestApplicationContext = await NestFactory.createApplicationContext(
    RootModule.forRoot({ config, transport: servicesTransport, dataSource }),
    {
      logger: false,
    },
  );
  return {
    registry,
    events,
    schema,
    dataSource,
    services,
    async admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
      const response = await fetch(`${registry.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      await services.close().catch(() => undefined);
      await dataSource.destroy().catch(() => undefined);
      await registry.close().catch(() => undefined);
      await nats.drain().catch(() => undefined);
    },
  };
}

type Running = Awaited<ReturnType<typeof startRegistry>>;

const api = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
  api_id: id,
  name: `API ${id}`,
  use_keyless: true,
  proxy: { listen_path: path, target_url: 'http://127.0.0.1:9' },
  ...extra,
});

type Items = { source: string; value: unknown }[];

const set = (apis: Record<string, unknown>[], more: { policies?: Items; catalogue?: Items; providers?: Items } = {}) => ({
  apis: apis.map((value) => ({ source: `apis/${String(value.api_id)}.yaml`, value })),
  ...more,
});

async function waitFor<T>(find: () => T | undefined, what: string, deadlineMs = 5_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The stored APIs by id: their listen path and name. */
async function stored(running: Running): Promise<Record<string, { path: string; name: string }>> {
  const list = (await running.admin('GET', '/admin/apis')).body as ApiDefinition[];
  return Object.fromEntries(list.map((definition) => [definition.api_id, { path: definition.proxy.listen_path, name: definition.name }]));
}

/** A provider whose discovery document is held back until `release()`: an apply waits on it, outside its transaction. */
async function slowProvider(): Promise<{ issuer: string; asked: Promise<void>; release(): void; close(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let asked!: () => void;
  const wasAsked = new Promise<void>((resolve) => (asked = resolve));
  const server: Server = createServer((_request, response) => {
    asked();
    void released.then(() => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ issuer, registration_endpoint: `${issuer}/register`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, asked: wasAsked, release, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

afterAll(async () => {
  await dropScratchSchemas(...schemas);
});

describeWithServices('POST /admin/config/apply against concurrent writes (PostgreSQL + NATS)', () => {
  let running: Running;

  beforeEach(async () => {
    running = await startRegistry();
    for (const [id, path] of [
      ['orders', '/orders/'],
      ['billing', '/billing/'],
    ] as const)
      expect((await running.admin('POST', '/admin/apis', api(id, path))).status).toBe(201);
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await running?.close();
  });

  it('swaps two listen paths in one apply, and announces both updates in revision order', async () => {
    const created = await waitFor(() => (running.events.length === 2 ? [...running.events] : undefined), 'the creations');
    const applied = await running.admin('POST', '/admin/config/apply', set([api('orders', '/billing/'), api('billing', '/orders/')]));
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.summary).toEqual({ create: 0, update: 2, delete: 0, unchanged: 0 });
    expect(await stored(running)).toEqual({ orders: { path: '/billing/', name: 'API orders' }, billing: { path: '/orders/', name: 'API billing' } });
    // What a gateway applies: one update each, the revisions right after the creations, each with the whole new definition.
    const updates = await waitFor(() => (running.events.length === 4 ? running.events.slice(2) : undefined), 'the updates');
    const last = Math.max(...created.map((event) => event.revision));
    expect(updates.map((event) => event.revision)).toEqual([last + 1, last + 2]);
    expect(updates.map((event) => [event.api_id, event.change, event.definition?.proxy.listen_path]).sort()).toEqual([
      ['billing', 'updated', '/orders/'],
      ['orders', 'updated', '/billing/'],
    ]);
    // The constraint is deferred only inside the apply: a single write still meets it at once.
    const taken = await running.admin('POST', '/admin/apis', api('third', '/orders/'));
    expect(taken.status).toBe(409);
    expect(taken.body.details).toEqual([{ field: 'proxy.listen_path', message: '/orders/ is already used by API "billing"' }]);
  });

  it('refuses (409, nothing written) when an admin write lands between the compare and the transaction', async () => {
    const provider = await slowProvider();
    try {
      const provider_id = randomUUID();
      const applying = running.admin(
        'POST',
        '/admin/config/apply',
        set([api('orders', '/orders/', { name: 'Shop from the set' }), api('billing', '/billing/')], {
          providers: [{ source: 'providers/idp.yaml', value: { id: provider_id, name: 'Slow IdP', discovery_url: provider.issuer } }],
        }),
      );
      // The set was compared; the apply waits on the provider's discovery, before its transaction.
      await provider.asked;
      const written = await running.admin('PUT', '/admin/apis/orders', api('orders', '/orders/', { name: 'Orders from the admin API' }));
      expect(written.status).toBe(200);
      provider.release();
      const applied = await applying;
      expect(applied.status, JSON.stringify(applied.body)).toBe(409);
      expect(applied.body).toMatchObject({ error: 'conflict' });
      expect(applied.body.message).toContain('the configuration changed while the set was compared with it; run diff (or apply) again');
      // The admin API's write stands; nothing of the set was written.
      expect(await stored(running)).toEqual({
        orders: { path: '/orders/', name: 'Orders from the admin API' },
        billing: { path: '/billing/', name: 'API billing' },
      });
      expect((await running.admin('GET', '/admin/portal/providers')).body).toEqual([]);
    } finally {
      provider.release();
      await provider.close();
    }
  });

  it('refuses (409, nothing written) when a catalogue entry, which does not move the revision, is changed meanwhile', async () => {
    const { shop, policy, id, entry } = await withEntry(running);
    const provider = await slowProvider();
    try {
      const applying = running.admin(
        'POST',
        '/admin/config/apply',
        set([api('orders', '/orders/'), api('billing', '/billing/'), shop], {
          policies: [{ source: 'policies/gold.yaml', value: policy }],
          catalogue: [{ source: 'catalogue/orders.yaml', value: { ...entry, id, name: 'Shop from the set' } }],
          providers: [{ source: 'providers/idp.yaml', value: { id: randomUUID(), name: 'Slow IdP', discovery_url: provider.issuer } }],
        }),
      );
      await provider.asked;
      const { id: _id, ...body } = { ...entry, id, name: 'Shop from the admin API' };
      const written = await running.admin('PUT', `/admin/portal/catalogue/${id}`, body);
      expect(written.status, JSON.stringify(written.body)).toBe(200);
      provider.release();
      const applied = await applying;
      expect(applied.status, JSON.stringify(applied.body)).toBe(409);
      expect(applied.body.message).toContain('the configuration changed while the set was compared with it');
      expect((await running.admin('GET', `/admin/portal/catalogue/${id}`)).body).toMatchObject({ name: 'Shop from the admin API' });
      expect((await running.admin('GET', '/admin/portal/providers')).body).toEqual([]);
    } finally {
      provider.release();
      await provider.close();
    }
  });

  it('a catalogue write made while the apply writes waits for its COMMIT (the revision lock), and lands after it', async () => {
    const { shop, policy, id, entry } = await withEntry(running);
    const service = running.services.get(ConfigApplyService);
    const apis = running.services.get(ApiStore);
    const defer = apis.deferListenPathCheckIn.bind(apis);
    let writing: Promise<{ status: number; body: any }> | undefined;
    vi.spyOn(apis, 'deferListenPathCheckIn').mockImplementationOnce(async (manager) => {
      // Compared again under the lock, not yet written: the admin's write must queue, not slip in before the apply's.
      writing = running.admin('PUT', `/admin/portal/catalogue/${id}`, { ...entry, name: 'Shop from the admin API' });
      await until(async () => (await waitingOnLocks(running)) > 0, 'the catalogue write to wait on the apply');
      return defer(manager);
    });
    const body = set([api('orders', '/orders/'), api('billing', '/billing/'), shop], {
      policies: [{ source: 'policies/gold.yaml', value: policy }],
      catalogue: [{ source: 'catalogue/shop.yaml', value: { ...entry, id, name: 'Shop from the set' } }],
    });
    const report = await service.apply(configSet(body));
    expect(report.summary).toMatchObject({ update: 1 });
    expect((await writing!).status).toBe(200);
    expect((await running.admin('GET', `/admin/portal/catalogue/${id}`)).body).toMatchObject({ name: 'Shop from the admin API' });
  });

  it('a portal app made meanwhile for an entry the set deletes (prune) is a 409, nothing kept, never a 500', async () => {
    const { shop, policy, id } = await withEntry(running);
    const service = running.services.get(ConfigApplyService);
    const apis = running.services.get(ApiStore);
    const defer = apis.deferListenPathCheckIn.bind(apis);
    vi.spyOn(apis, 'deferListenPathCheckIn').mockImplementationOnce(async (manager) => {
      // A developer's app for the entry, committed past the revision lock (api_key apps do not take it).
      const developer = randomUUID();
      await running.dataSource.query(`INSERT INTO "${running.schema}".developers (id, email, password_hash, status) VALUES ($1, $2, 'x', 'active')`, [
        developer,
        `${developer}@example.test`,
      ]);
      await running.dataSource.query(
        `INSERT INTO "${running.schema}".portal_apps (id, developer_id, entry_id, name, kind, key_hash) VALUES ($1, $2, $3, 'App', 'api_key', 'h')`,
        [randomUUID(), developer, id],
      );
      return defer(manager);
    });
    const refused = await service
      .apply({
        ...configSet(
          set([api('orders', '/orders/', { name: 'Renamed' }), api('billing', '/billing/'), shop], {
            policies: [{ source: 'policies/gold.yaml', value: policy }],
          }),
        ),
        prune: true,
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplyRejected);
    expect((refused as ApplyRejected).toBody()).toMatchObject({ error: 'conflict', errors: [{ source: '(write)', field: '(stored)' }] });
    expect((refused as ApplyRejected).message).toContain('an item this set deletes is still used by something made meanwhile');
    expect((await running.admin('GET', `/admin/portal/catalogue/${id}`)).status).toBe(200);
    expect((await stored(running)).orders).toEqual({ path: '/orders/', name: 'API orders' });
  });

  it('a single create of a path the apply takes waits for the apply, then is a 409 naming the path and its holder', async () => {
    const service = running.services.get(ConfigApplyService);
    const apis = running.services.get(ApiStore);
    const defer = apis.deferListenPathCheckIn.bind(apis);
    let creating: Promise<{ status: number; body: any }> | undefined;
    vi.spyOn(apis, 'deferListenPathCheckIn').mockImplementationOnce(async (manager) => {
      // Inside the apply's transaction, revision lock held: the create queues behind it.
      creating = running.admin('POST', '/admin/apis', api('intruder', '/fresh/'));
      await until(async () => (await waitingOnLocks(running)) > 0, 'the create to wait on the apply');
      return defer(manager);
    });
    const report = await service.apply(configSet(set([api('orders', '/orders/'), api('billing', '/billing/'), api('fresh', '/fresh/')])));
    expect(report.summary).toEqual({ create: 1, update: 0, delete: 0, unchanged: 2 });
    const created = await creating!;
    expect(created.status).toBe(409);
    expect(created.body).toMatchObject({ error: 'conflict' });
    expect(created.body.details).toEqual([{ field: 'proxy.listen_path', message: '/fresh/ is already used by API "fresh"' }]);
    expect(Object.keys(await stored(running)).sort()).toEqual(['billing', 'fresh', 'orders']);
  });

  it('a path taken by a writer the revision lock does not stop is refused at COMMIT as a 409 naming it, nothing kept', async () => {
    const service = running.services.get(ConfigApplyService);
    const apis = running.services.get(ApiStore);
    const defer = apis.deferListenPathCheckIn.bind(apis);
    const intruder = api('intruder', '/fresh/');
    vi.spyOn(apis, 'deferListenPathCheckIn').mockImplementationOnce(async (manager) => {
      // Committed by another connection, past the revision lock: only the unique constraint sees it.
      await running.dataSource.query(
        `INSERT INTO "${running.schema}".api_definitions (api_id, route_key, definition, revision) VALUES ('intruder', $1, $2, 0)`,
        [routeKey(intruder as ApiDefinition), JSON.stringify(intruder)],
      );
      return defer(manager);
    });
    // The swap and the new API: the deferred check passes the swap and refuses the new path at COMMIT.
    const refused = await service
      .apply(configSet(set([api('orders', '/billing/'), api('billing', '/orders/'), api('fresh', '/fresh/')])))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApplyRejected);
    expect((refused as ApplyRejected).toBody()).toMatchObject({
      error: 'conflict',
      errors: [{ source: '(write)', field: 'proxy.listen_path', message: '/fresh/ is already used by API "intruder"' }],
    });
    expect((refused as ApplyRejected).message).toBe('Nothing was applied: Another API already listens on this path');
    expect(await stored(running)).toEqual({
      orders: { path: '/orders/', name: 'API orders' },
      billing: { path: '/billing/', name: 'API billing' },
      intruder: { path: '/fresh/', name: 'API intruder' },
    });
  });
});

describeWithServices('migration 1764580000000: the listen paths constraint, deferrable', () => {
  let running: Running;

  afterAll(async () => {
    await running?.close();
  });

  it('is DEFERRABLE INITIALLY IMMEDIATE after up, not deferrable after down, and up again', async () => {
    running = await startRegistry();
    const timing = async () =>
      (await running.dataSource.query(
        `SELECT c.condeferrable AS deferrable, c.condeferred AS deferred FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
          WHERE n.nspname = $1 AND c.conname = 'api_definitions_route_key_key' AND c.contype = 'u'`,
        [running.schema],
      )) as { deferrable: boolean; deferred: boolean }[];
    expect(await timing()).toEqual([{ deferrable: true, deferred: false }]);
    const migration = new DeferrableRouteKey1764580000000();
    const runner = running.dataSource.createQueryRunner();
    try {
      await migration.down(runner);
      expect(await timing()).toEqual([{ deferrable: false, deferred: false }]);
      await migration.up(runner);
      expect(await timing()).toEqual([{ deferrable: true, deferred: false }]);
    } finally {
      await runner.release();
    }
  });
});

/** A keyed API, a policy for it and a catalogue entry offering them: what the set names, and the entry's id and fields. */
async function withEntry(running: Running) {
  const shop = api('shop', '/shop/', { use_keyless: false });
  expect((await running.admin('POST', '/admin/apis', shop)).status).toBe(201);
  const policy = { id: 'gold', name: 'Gold', access_rights: { shop: { api_id: 'shop', versions: ['Default'] } } };
  expect((await running.admin('POST', '/admin/policies', policy)).status).toBe(201);
  const created = await running.admin('POST', '/admin/portal/catalogue', { api_id: 'shop', policy_id: 'gold', name: 'Shop', credential_kind: 'api_key' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const { id, created_at: _c, updated_at: _u, ...entry } = created.body as Record<string, unknown>;
  return { shop, policy, id: String(id), entry };
}

/** The set as the controller hands it to the service (defaults filled in). */
function configSet(body: ReturnType<typeof set>) {
  return { policies: [], catalogue: [], providers: [], ...body, prune: false, dry_run: false };
}

async function until(check: () => Promise<boolean>, what: string, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sessions of the registry's schema waiting on a lock (the create, queued behind the apply's revision lock). */
async function waitingOnLocks(running: Running): Promise<number> {
  const rows = (await running.dataSource.query(
    `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%config_state%' AND query LIKE $1`,
    [`%${running.schema}%`],
  )) as { waiting: number }[];
  return rows[0]?.waiting ?? 0;
}
