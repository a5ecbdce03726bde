import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { controllerRoutes, type ControllerRoute } from '../../../tools/test/admin-routes.js';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

const secret = 'registry-admin-secret-' + randomBytes(12).toString('hex');
const schema = `registry_admin_secret_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');

/** Every way of not presenting the admin secret (`Authorization: Bearer <secret>`) that a caller might try. */
const withoutSecret: [string, Record<string, string>][] = [
  ['no secret', {}],
  ['a wrong secret', { authorization: `Bearer ${secret}x` }],
  ['the secret without the Bearer scheme', { authorization: secret }],
  ['the secret as Basic credentials', { authorization: `Basic ${secret}` }],
  ['the secret in the Tyk header', { 'x-tyk-authorization': secret }],
];

/**
 * Every route of the native admin API (read from the controllers, so a new one is covered), without
 * the admin secret: 401 `unauthorized`, and nothing ran (no row written, no question asked on the bus).
 */
describeWithServices('registry admin API: the admin secret closes every route', () => {
  let registry: RunningService;
  let nats: NatsConnection;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  const busMessages: string[] = [];
  let routes: ControllerRoute[];

  beforeAll(async () => {
    routes = await controllerRoutes(new URL('../src/', import.meta.url), '/admin/');
    await db.connect();
    nats = await connect({ servers: testServices.natsUrl, name: `registry-admin-secret-listener-${tag}` });
    const subscription = nats.subscribe(`${testServices.subjectPrefix}>`);
    void (async () => {
      for await (const message of subscription) busMessages.push(message.subject);
    })();
    await nats.flush();
    const config = loadRegistryConfig({ REGISTRY_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: secret, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `registry-admin-secret-${tag}`,
    });
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  });

  afterAll(async () => {
    await registry?.close();
    await nats?.drain();
    await db.end();
    await dropScratchSchemas(schema);
  });

  /**
   * Every row of every table of the registry's schema, as one string: equal before and after means
   * nothing was written. The analytics tables are left out: the JetStream consumer fills them from
   * the shared stream whenever any gateway on this NATS records a request, and no admin route writes them.
   */
  async function everyRow(): Promise<string> {
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE 'analytics\\_%' ORDER BY table_name",
      [schema],
    );
    const dumps: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${schema}"."${table_name}" t ORDER BY 1`);
      dumps.push(`${table_name}: ${rows.rows.map((r) => r.row).join(' | ')}`);
    }
    return dumps.join('\n');
  }

  it('finds the admin routes to walk', () => {
    // A floor, so a broken route scan cannot pass by walking nothing.
    expect(routes.length).toBeGreaterThanOrEqual(30);
    expect(routes.map((route) => `${route.method} ${route.declared}`)).toEqual(
      expect.arrayContaining(['GET /admin/apis', 'POST /admin/apis', 'DELETE /admin/policies/:id', 'POST /admin/oauth/clients', 'GET /admin/analytics/usage']),
    );
  });

  it('answers 401 unauthorized on every route for every way of not presenting the secret, and runs nothing', async () => {
    const before = await everyRow();
    busMessages.length = 0;
    for (const route of routes) {
      for (const [how, headers] of withoutSecret) {
        const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : JSON.stringify({ api_id: 'x', id: 'x', name: 'x' });
        const response = await fetch(`${registry.url}${route.path}`, {
          method: route.method,
          headers: { ...headers, 'content-type': 'application/json' },
          body,
        });
        const answer = (await response.json()) as { error?: string };
        // At the first route that answers otherwise: a handler that ran may be slow to answer.
        expect(`${response.status} ${answer.error}`, `${route.method} ${route.declared} with ${how}`).toBe('401 unauthorized');
      }
    }
    await nats.flush();
    expect(busMessages).toEqual([]);
    expect(await everyRow()).toBe(before);
  });

  it('lets the secret through (the same routes are not closed to everyone)', async () => {
    const response = await fetch(`${registry.url}/admin/apis`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });
});
