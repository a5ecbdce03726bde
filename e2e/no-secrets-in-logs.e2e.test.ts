import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpLink, type TcpLink } from '../tools/test/tcp-link.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, StopWaiting, waitFor, type StartedService } from './support/processes.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const form = { 'content-type': 'application/x-www-form-urlencoded' };
/** PostgreSQL refuses a lone surrogate in jsonb, and names the JSON it was reading in its error's CONTEXT. */
const REFUSED_BY_POSTGRESQL = '\ud800';

/**
 * Secrets never reach a log, whatever fails: registry, auth service and a gateway run as processes
 * at LOG_LEVEL=debug, their database reached through a link this test can cut; writes carrying
 * known secrets (an API's jwt_source and webhook shared_secret, an OAuth client's secret, a user's
 * password, the admin secret) fail three ways (a value PostgreSQL refuses, the session killed
 * mid-write, the database unreachable), and nothing any process printed may contain them.
 */
describeWithServices('no secret in any log, under any fault', () => {
  const secret = (what: string) => `${what}-${randomBytes(12).toString('hex')}`;
  const adminSecret = secret('admin');
  const jwtSecret = secret('jwt-hmac');
  const sharedSecret = secret('webhook');
  const clientSecret = secret('client').padEnd(40, 'x');
  const password = secret('password');
  const secrets = { adminSecret, jwtSecret, jwtSource: b64(jwtSecret), sharedSecret, clientSecret, password };
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let link: TcpLink;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  const services = (): StartedService[] => [registry, auth, gateway].filter(Boolean);

  /** An API definition carrying both secrets; `name` lets a test make PostgreSQL refuse it. */
  const apiWithSecrets = (apiId: string, name = apiId) => ({
    api_id: apiId,
    name,
    use_keyless: false,
    enable_jwt: true,
    jwt_signing_method: 'hmac',
    jwt_source: secrets.jwtSource,
    proxy: { listen_path: `/${apiId}/`, target_url: 'http://127.0.0.1:9', strip_listen_path: true },
    notifications: { oauth_on_keychange_url: 'http://127.0.0.1:9/hook', shared_secret: sharedSecret },
  });
  const clientWithSecret = (name: string) => ({
    client_name: name,
    client_secret: clientSecret,
    grant_types: ['client_credentials', 'password'],
    redirect_uris: ['https://app.example.test/cb'],
  });

  /** The writes that carry secrets, each entering where a user would send it. */
  const writes = {
    adminApi: (apiId: string, name?: string) =>
      fetch(`${registry.url}/admin/apis`, { method: 'POST', headers: admin, body: JSON.stringify(apiWithSecrets(apiId, name)) }),
    tykApi: (apiId: string, name?: string) =>
      fetch(`${gateway.url}/tyk/apis`, { method: 'POST', headers: tyk, body: JSON.stringify(apiWithSecrets(apiId, name)) }),
    client: (name: string) => fetch(`${registry.url}/admin/oauth/clients`, { method: 'POST', headers: admin, body: JSON.stringify(clientWithSecret(name)) }),
    user: (username: string) => fetch(`${registry.url}/admin/oauth/users`, { method: 'POST', headers: admin, body: JSON.stringify({ username, password }) }),
    tokenInBody: (clientId: string) =>
      fetch(`${auth.url}/oauth/token`, {
        method: 'POST',
        headers: form,
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
      }),
    tokenInBasic: (clientId: string) =>
      fetch(`${auth.url}/oauth/token`, {
        method: 'POST',
        headers: { ...form, authorization: `Basic ${b64(`${clientId}:${clientSecret}`)}` },
        body: 'grant_type=client_credentials',
      }),
    passwordGrant: (clientId: string, username: string) =>
      fetch(`${auth.url}/oauth/token`, {
        method: 'POST',
        headers: { ...form, authorization: `Basic ${b64(`${clientId}:${clientSecret}`)}` },
        body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
      }),
  };

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_no_secrets');
    link = await startTcpLink(database.url);
    const throughLink = new URL(database.url);
    throughLink.port = new URL(link.url).port;
    const env = { DATABASE_URL: throughLink.toString(), LOG_LEVEL: 'debug' };
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url, LOG_LEVEL: 'debug' } });
  });

  afterAll(async () => {
    await Promise.allSettled(services().map((service) => service.stop()));
    await link?.close();
    await database?.drop();
  });

  /**
   * Holds a SHARE lock on `table` (reads pass, writes queue), starts `write`, and once the service's
   * write waits on the lock, terminates that session: the database goes away with the row in flight.
   */
  async function killedMidWrite(table: string, applicationName: string, write: () => Promise<Response>): Promise<Response> {
    // The previous kill's service reads again first: this test is about what is logged, not how fast a pool heals.
    const read = applicationName === 'portcullis-auth' ? '/admin/oauth/users' : '/admin/apis';
    await waitFor(async () => (await fetch(`${registry.url}${read}`, { headers: admin })).status === 200, {
      timeoutMs: 20_000,
      message: `${read} to answer again`,
    });
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    const waiting = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock'`;
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE ${table} IN SHARE MODE`);
      let early: Response | undefined;
      const answer = write().then((response) => (early = response));
      await waitFor(
        async () => {
          if (early) throw new StopWaiting(`answered ${early.status} before writing to ${table}: ${await early.text()}`);
          return ((await locker.query(waiting, [applicationName])).rowCount ?? 0) > 0;
        },
        { timeoutMs: 10_000, message: `${applicationName} to wait on ${table}` },
      );
      await locker.query(`SELECT pg_terminate_backend(pid) FROM (${waiting}) AS blocked`, [applicationName]);
      return await answer;
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  }

  it('writes the failures to the logs, and none of the secrets', async () => {
    const statuses: Record<string, number> = {};
    const record = async (what: string, answer: Promise<Response>) => {
      const response = await answer;
      await response.arrayBuffer();
      statuses[what] = response.status;
    };

    // A client and a user that exist, so the token requests below reach the database with them.
    const created = await writes.client('log-test-client');
    expect(created.status).toBe(201);
    const clientId = ((await created.json()) as { client_id: string }).client_id;
    expect((await writes.user('log-test-user')).status).toBe(201);

    // 1. Values PostgreSQL refuses (its error quotes the JSON it was reading, secrets included).
    await record('refused: /admin/apis', writes.adminApi('refused-admin', `bad ${REFUSED_BY_POSTGRESQL}`));
    await record('refused: /tyk/apis', writes.tykApi('refused-tyk', `bad ${REFUSED_BY_POSTGRESQL}`));
    await record('refused: client', writes.client(`bad ${REFUSED_BY_POSTGRESQL}`));

    // 2. The session killed while the write waits (TypeORM's own logger printed such a query with its parameters).
    await record(
      'killed: /admin/apis',
      killedMidWrite('registry.api_definitions', 'portcullis-registry', () => writes.adminApi('killed-admin')),
    );
    await record(
      'killed: /tyk/apis',
      killedMidWrite('registry.api_definitions', 'portcullis-registry', () => writes.tykApi('killed-tyk')),
    );
    await record(
      'killed: client',
      killedMidWrite('auth.oauth_clients', 'portcullis-auth', () => writes.client('killed-client')),
    );
    await record(
      'killed: user',
      killedMidWrite('auth.users', 'portcullis-auth', () => writes.user('killed-user')),
    );

    // 3. The database unreachable.
    await link.cut();
    try {
      await record('down: /admin/apis', writes.adminApi('down-admin'));
      await record('down: /tyk/apis', writes.tykApi('down-tyk'));
      await record('down: client', writes.client('down-client'));
      await record('down: user', writes.user('down-user'));
      await record('down: token (body)', writes.tokenInBody(clientId));
      await record('down: token (basic)', writes.tokenInBasic(clientId));
      await record('down: password grant', writes.passwordGrant(clientId, 'log-test-user'));
    } finally {
      await link.restore();
    }

    // Every fault was a failure (which status is another test's business), and the services were told.
    for (const [what, status] of Object.entries(statuses)) expect(status, what).toBeGreaterThanOrEqual(400);
    await Promise.all(services().map((service) => service.stop()));
    const output = Object.fromEntries(services().map((service) => [service.name, service.logs()]));
    // The capture keeps only the last 256 KiB: a test of everything printed must have all of it.
    for (const [name, text] of Object.entries(output)) expect(text.length, `${name} output size`).toBeLessThan(256 * 1024);
    const leaks = Object.entries(output).flatMap(([service, text]) =>
      Object.entries(secrets)
        .filter(([, value]) => text.includes(value))
        .map(([what, value]) => `${service} printed ${what}: ...${text.slice(Math.max(0, text.indexOf(value) - 300), text.indexOf(value) + 80)}...`),
    );
    expect(leaks).toEqual([]);
    // The failures were logged all the same (with PostgreSQL's SQLSTATE: 22P02 refused json, 57P01 session terminated).
    expect(output.registry).toContain('22P02');
    expect(output.registry).toContain('57P01');
    expect(output.auth).toContain('57P01');
  });
});
