import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type EchoReply, type StartedService, type Upstream } from './support/processes.js';
import { startTcpLink, type TcpLink } from '../tools/test/tcp-link.js';

/**
 * The distributed deployment, for real: registry, auth and two gateways as separate processes
 * (started with docker-compose.yml's command and environment), the machine's NATS and PostgreSQL,
 * real upstreams, everything over HTTP. Gateway B reaches NATS through a link the test can cut.
 */
describeWithServices('distributed: three services as separate processes over NATS and PostgreSQL', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let natsLink: TcpLink;
  let registry: StartedService;
  let auth: StartedService;
  let gatewayA: StartedService;
  let gatewayB: StartedService;
  let upstreamOne: Upstream;
  let upstreamTwo: Upstream;
  const gateways = () => [gatewayA, gatewayB];

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e');
    natsLink = await startTcpLink(testServices.natsUrl);
    [upstreamOne, upstreamTwo] = await Promise.all([startUpstream(), startUpstream()]);
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    [gatewayA, gatewayB] = await Promise.all([
      startService('gateway', { adminSecret }),
      startService('gateway', { adminSecret, env: { NATS_URL: natsLink.url } }),
    ]);
    for (const gateway of gateways()) {
      await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });
    }
  });

  afterAll(async () => {
    await Promise.allSettled([gatewayA, gatewayB, auth, registry].filter(Boolean).map((s) => s.stop()));
    await Promise.allSettled([upstreamOne?.close(), upstreamTwo?.close(), natsLink?.close()]);
    await database?.drop();
  });

  /** `T`: the shape the test expects the answer to have (its assertions check it). */
  async function getJson<T = unknown>(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T }> {
    const response = await fetch(url, { headers });
    return { status: response.status, body: (await response.json()) as T };
  }

  /** Polls until `gateway` answers `path` with `status` (and, given, a body passing `check`). */
  function untilServed(gateway: StartedService, path: string, status: number, check: (body: EchoReply) => boolean = () => true) {
    return waitFor(
      async () => {
        const { status: got, body } = await getJson<EchoReply>(`${gateway.url}${path}`);
        return got === status && check(body) ? body : false;
      },
      { timeoutMs: 1_000, intervalMs: 20, message: `${gateway.url}${path} to answer ${status}` },
    );
  }

  it('the auth service is up and connected to the bus alongside', async () => {
    expect((await getJson(`${auth.url}/health`)).body).toMatchObject({ status: 'ok' });
  });

  it('an API created through the native admin API is served by both gateways within a second', async () => {
    const created = await fetch(`${registry.url}/admin/apis`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        api_id: 'orders',
        name: 'Orders',
        use_keyless: true,
        proxy: { listen_path: '/orders/', target_url: upstreamOne.url + '/v1', strip_listen_path: true },
      }),
    });
    expect(created.status).toBe(201);
    for (const gateway of gateways()) {
      const body = await untilServed(gateway, '/orders/42?expand=lines&x=%20y', 200);
      expect(body).toMatchObject({ method: 'GET', path: '/v1/42', query: { expand: 'lines', x: ' y' } });
      expect(body.headers['x-forwarded-for']).toBe('127.0.0.1');
    }
  });

  it('an API created through the Tyk Gateway API on a gateway is served by both gateways', async () => {
    const response = await fetch(`${gatewayA.url}/tyk/apis`, {
      method: 'POST',
      headers: tyk,
      body: JSON.stringify({
        api_id: 'hub',
        name: 'Hub',
        org_id: 'default',
        active: true,
        use_keyless: true,
        version_data: { not_versioned: true, versions: { Default: { name: 'Default' } } },
        proxy: { listen_path: '/hub/v2/', target_url: upstreamOne.url, strip_listen_path: false },
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ key: 'hub', status: 'ok', action: 'added' });
    for (const gateway of gateways()) {
      expect(await untilServed(gateway, '/hub/v2/users', 200)).toMatchObject({ path: '/hub/v2/users' });
    }
    const listed = await getJson<{ api_id: string; version_data: { versions: Record<string, { name: string }> } }[]>(`${gatewayB.url}/tyk/apis`, tyk);
    expect(listed.body.map((api) => api.api_id).sort()).toEqual(['hub', 'orders']);
    expect(listed.body.find((api) => api.api_id === 'hub')?.version_data.versions['Default']?.name).toBe('Default');
  });

  it('refuses the Tyk API without the admin secret, and the native API with a wrong one', async () => {
    expect((await fetch(`${gatewayA.url}/tyk/apis`)).status).toBe(401);
    expect((await fetch(`${registry.url}/admin/apis`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
  });

  it('a changed target takes effect on both gateways without a restart', async () => {
    const current = await getJson<{ proxy: object }>(`${registry.url}/admin/apis/orders`, admin);
    const updated = await fetch(`${registry.url}/admin/apis/orders`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ ...current.body, proxy: { ...current.body.proxy, target_url: upstreamTwo.url } }),
    });
    expect(updated.status).toBe(200);
    const before = upstreamTwo.requests.length;
    for (const gateway of gateways()) {
      expect(await untilServed(gateway, '/orders/7', 200, (body) => body.path === '/7')).toMatchObject({ path: '/7' });
    }
    expect(upstreamTwo.requests.length).toBeGreaterThan(before);
  });

  it('a gateway that loses NATS keeps serving its last configuration, then catches up when NATS returns', async () => {
    await natsLink.cut();
    await waitFor(async () => (await fetch(`${gatewayB.url}/ready`)).status === 503, { timeoutMs: 20_000, message: 'gateway B to notice NATS is gone' });
    // Still serving what it had.
    expect((await getJson(`${gatewayB.url}/orders/1`)).body).toMatchObject({ path: '/1' });

    // A change it cannot hear about now...
    const created = await fetch(`${registry.url}/admin/apis`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ api_id: 'late', name: 'Late', use_keyless: true, proxy: { listen_path: '/late', target_url: upstreamOne.url } }),
    });
    expect(created.status).toBe(201);
    await untilServed(gatewayA, '/late/x', 200);
    expect((await fetch(`${gatewayB.url}/late/x`)).status).toBe(404);

    // ...is picked up by the fresh snapshot it asks for once reconnected.
    await natsLink.restore();
    await waitFor(async () => (await fetch(`${gatewayB.url}/ready`)).status === 200, { timeoutMs: 20_000, message: 'gateway B to reconnect' });
    await waitFor(async () => (await fetch(`${gatewayB.url}/late/x`)).status === 200, { timeoutMs: 5_000, message: 'gateway B to catch up' });
  });

  it('a deleted API answers 404 on both gateways', async () => {
    const deleted = await fetch(`${gatewayA.url}/tyk/apis/orders`, { method: 'DELETE', headers: tyk });
    expect(await deleted.json()).toEqual({ key: 'orders', status: 'ok', action: 'deleted' });
    for (const gateway of gateways()) {
      expect(await untilServed(gateway, '/orders/1', 404)).toEqual({ error: 'api_not_found', message: 'No API matches this request' });
    }
  });

  it('keeps what is stored when a write is refused', async () => {
    const before = await getJson(`${registry.url}/admin/apis`, admin);
    const collision = await fetch(`${registry.url}/admin/apis`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'Clash', use_keyless: true, proxy: { listen_path: '/hub/v2', target_url: upstreamTwo.url } }),
    });
    expect(collision.status).toBe(409);
    expect(await collision.json()).toMatchObject({ details: [expect.objectContaining({ field: 'proxy.listen_path' })] });
    const malformed = await fetch(`${gatewayA.url}/tyk/apis`, { method: 'POST', headers: tyk, body: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ status: 'error', error: 'malformed_json' });
    expect((await getJson(`${registry.url}/admin/apis`, admin)).body).toEqual(before.body);
  });
});
