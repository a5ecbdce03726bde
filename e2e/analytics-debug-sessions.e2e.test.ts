import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

interface Session {
  id: string;
  identity?: string;
  created_at: number;
  expires_at: number;
}

/**
 * Issue 15, "request logs per key for a time": an admin starts a debug session for one key on the
 * registry; every gateway keeps that caller's requests as request logs (the API keeps none of its own)
 * until the session is cancelled or ends, and a gateway started meanwhile picks it up from its
 * snapshot. Registry, auth and gateways are the built services over the machine's NATS and PostgreSQL.
 */
describeWithServices('analytics debug sessions: one caller’s requests logged for a time, across processes', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const runId = randomBytes(4).toString('hex');
  const apiId = `debugged-${runId}`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let db: pg.Client;
  let watched: string;
  let other: string;

  const hash = (key: string) => createHash('sha256').update(key).digest('hex');

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_debug');
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startGateway();
    const created = await fetch(`${registry.url}/admin/apis`, {
      method: 'POST',
      headers: admin,
      // No request log of its own: only the debug sessions make any.
      body: JSON.stringify({ api_id: apiId, name: apiId, proxy: { listen_path: `/${runId}/`, target_url: upstream.url, strip_listen_path: true } }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const policy = await fetch(`${gateway.url}/tyk/policies`, {
      method: 'POST',
      headers: tyk,
      body: JSON.stringify({ id: `p-${runId}`, name: 'p', access_rights: { [apiId]: { api_id: apiId, api_name: apiId, versions: [] } } }),
    });
    expect(policy.status).toBeLessThan(300);
    const key = async () => {
      const res = await fetch(`${gateway.url}/tyk/keys`, { method: 'POST', headers: tyk, body: JSON.stringify({ apply_policies: [`p-${runId}`] }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { key: string }).key;
    };
    [watched, other] = [await key(), await key()];
    await waitFor(async () => (await call(watched, '/warm-up')) === 200, { timeoutMs: 10_000, message: 'the API and key served' });
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  }, 120_000);

  afterAll(async () => {
    await db?.end();
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((s) => s.stop()));
    await upstream?.close();
    await database?.drop();
  });

  async function startGateway(): Promise<StartedService> {
    const started = await startService('gateway', { adminSecret, env: { ANALYTICS_FLUSH_MS: '100' } });
    await waitFor(async () => (await fetch(`${started.url}/ready`)).status === 200, { timeoutMs: 20_000, message: 'gateway ready' });
    return started;
  }

  async function call(key: string, path: string): Promise<number> {
    const res = await fetch(`${gateway.url}/${runId}${path}`, { headers: { authorization: key } });
    await res.arrayBuffer();
    return res.status;
  }

  /** Request logs stored for this caller whose path starts with `prefix`. */
  async function logged(key: string, prefix: string): Promise<number> {
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM registry.analytics_request_logs WHERE identity = $1 AND path LIKE $2', [
      hash(key),
      `/${runId}${prefix}%`,
    ]);
    return Number(rows[0]!.n);
  }

  async function start(body: unknown): Promise<Response> {
    return fetch(`${registry.url}/admin/analytics/debug-sessions`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
  }

  async function open(key: string, seconds: number): Promise<Session> {
    const res = await start({ key, duration_seconds: seconds });
    expect(res.status, await res.clone().text()).toBe(201);
    const session = (await res.json()) as Session;
    expect(session.identity).toBe(hash(key));
    expect(JSON.stringify(session)).not.toContain(key);
    return session;
  }

  async function list(): Promise<Session[]> {
    const res = await fetch(`${registry.url}/admin/analytics/debug-sessions`, { headers: admin });
    expect(res.status).toBe(200);
    return (await res.json()) as Session[];
  }

  /**
   * Until the gateway applies the session (it has no other way to tell): the caller's probe requests
   * are logged. Returns the probes' prefix.
   */
  async function untilLogged(key: string, prefix: string): Promise<void> {
    let n = 0;
    await waitFor(
      async () => {
        await call(key, `${prefix}${n++}`);
        return (await logged(key, prefix)) > 0;
      },
      { timeoutMs: 10_000, intervalMs: 100, message: `${prefix}: a request log of the debugged caller` },
    );
  }

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const malformed = await fetch(`${registry.url}/admin/analytics/debug-sessions`, { method: 'POST', headers: admin, body: '{"key": "k", ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'malformed_json' });
    for (const [body, field] of [
      [{ key: 'has spaces in it', duration_seconds: 60 }, 'key'],
      [{ identity: 'not-a-hash', duration_seconds: 60 }, 'identity'],
      [{ key: watched, duration_seconds: -60 }, 'duration_seconds'],
      [{ key: watched, duration_seconds: 86_400 }, 'duration_seconds'],
      [{ key: watched }, 'duration_seconds'],
      [{ duration_seconds: 60 }, 'key'],
    ] as const) {
      const res = await start(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const error = (await res.json()) as { error: string; details: { field: string }[] };
      expect(error.error).toBe('validation_failed');
      expect(error.details.map((d) => d.field)).toContain(field);
    }
    expect((await fetch(`${registry.url}/admin/analytics/debug-sessions`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect(await list()).toEqual([]);
    expect(Number((await db.query('SELECT count(*) AS n FROM registry.analytics_debug_sessions')).rows[0].n)).toBe(0);
  });

  it('logs every request of the debugged key while the session lasts, and none of another key', async () => {
    await open(watched, 600);
    await untilLogged(watched, '/probe-a');
    for (let i = 0; i < 10; i++) {
      expect(await call(watched, `/watched/${i}`)).toBe(200);
      expect(await call(other, `/other/${i}`)).toBe(200);
    }
    await waitFor(async () => (await logged(watched, '/watched/')) === 10, { timeoutMs: 10_000, message: 'ten request logs of the debugged key' });
    expect(await logged(other, '/')).toBe(0);
  });

  it('stops at cancel: no log of the key after it', async () => {
    const [session] = await list();
    const cancelled = await fetch(`${registry.url}/admin/analytics/debug-sessions/${session!.id}`, { method: 'DELETE', headers: admin });
    expect(cancelled.status).toBe(204);
    expect(await list()).toEqual([]);
    expect((await fetch(`${registry.url}/admin/analytics/debug-sessions/${session!.id}`, { method: 'DELETE', headers: admin })).status).toBe(404);
    // Changes reach a gateway in revision order: once a later session (the other key's) is applied, so is the cancel.
    const marker = await open(other, 600);
    await untilLogged(other, '/marker-1-');
    for (let i = 0; i < 5; i++) expect(await call(watched, `/after-cancel/${i}`)).toBe(200);
    // Stored after the requests above (same gateway, windows in order): theirs would be stored by now.
    expect(await call(other, '/marker-2')).toBe(200);
    await waitFor(async () => (await logged(other, '/marker-2')) === 1, { timeoutMs: 10_000, message: 'the marker after the cancelled key' });
    expect(await logged(watched, '/after-cancel/')).toBe(0);
    await fetch(`${registry.url}/admin/analytics/debug-sessions/${marker.id}`, { method: 'DELETE', headers: admin });
  });

  it('stops by itself at expiry, with no message, and a gateway started meanwhile loads the open sessions', async () => {
    const short = await open(watched, 2);
    const long = await open(other, 600);
    await untilLogged(watched, '/short-');
    // A gateway restarted now loads both sessions from its snapshot.
    await gateway.stop();
    gateway = await startGateway();
    await untilLogged(other, '/restarted-');
    await waitFor(async () => Date.now() > short.expires_at, { timeoutMs: 5_000, intervalMs: 100, message: 'the short session to end' });
    expect((await list()).map((s) => s.id)).toEqual([long.id]);
    for (let i = 0; i < 5; i++) expect(await call(watched, `/after-expiry/${i}`)).toBe(200);
    expect(await call(other, '/marker-3')).toBe(200);
    await waitFor(async () => (await logged(other, '/marker-3')) === 1, { timeoutMs: 10_000, message: 'the marker after the expired session' });
    expect(await logged(watched, '/after-expiry/')).toBe(0);
  }, 60_000);
});
