import { GATEWAY_SILENT_AFTER_MS } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, KillableUpstream, startService, waitFor, type StartedService } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

interface Fleet {
  gateways: { gateway_id: string; last_seen: string; upstreams: { origin: string; healthy: boolean }[] }[];
  targets: { origin: string; healthy_on: number; unhealthy_on: number; gateways: { gateway_id: string; healthy: boolean }[] }[];
}

/**
 * The fleet view end to end: a registry and a gateway as processes on the machine's NATS and
 * PostgreSQL, an API balancing over a live upstream and a closed port with uptime tests on. The
 * gateway's heartbeats carry its targets' health; the registry lists them at GET /admin/gateways,
 * and forgets the gateway once it has stopped.
 */
describeWithServices('GET /admin/gateways: the live gateways and their targets, from their heartbeats', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let gateway: StartedService;
  let alive: KillableUpstream;
  let closed: string;

  const fleet = async (): Promise<Fleet> => {
    const response = await fetch(`${registry.url}/admin/gateways`, { headers: { authorization: `Bearer ${adminSecret}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as Fleet;
  };

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_fleet');
    const [alivePort, closedPort] = await Promise.all([freePort(), freePort()]);
    alive = new KillableUpstream('alive', alivePort);
    closed = `http://127.0.0.1:${closedPort}`;
    await alive.start();
    registry = await startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 });
    gateway = await startService('gateway', { adminSecret });
    await gatewayReady(gateway);
    const created = await fetch(`${gateway.url}/tyk/apis`, {
      method: 'POST',
      headers: { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' },
      body: JSON.stringify({
        api_id: 'fleet',
        name: 'fleet',
        use_keyless: true,
        active: true,
        proxy: {
          listen_path: '/fleet/',
          target_url: alive.url,
          strip_listen_path: true,
          enable_load_balancing: true,
          target_list: [alive.url, closed],
          check_host_against_uptime_tests: true,
        },
        uptime_tests: {
          check_list: [
            { url: `${alive.url}/health`, timeout: 500_000_000 },
            { url: `${closed}/health`, timeout: 500_000_000 },
          ],
          config: { recheck_wait: 0.2 },
        },
      }),
    });
    expect(created.status, await created.text()).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, registry].filter(Boolean).map((service) => service.stop()));
    await alive?.kill();
    await database?.drop();
  });

  it('wants the admin secret', async () => {
    expect((await fetch(`${registry.url}/admin/gateways`)).status).toBe(401);
    const wrong = await fetch(`${registry.url}/admin/gateways`, { headers: { authorization: `Bearer ${adminSecret}x` } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('is in the OpenAPI document, behind the admin secret', async () => {
    const document = (await (await fetch(`${registry.url}/admin/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const operation = document.paths['/admin/gateways']?.get;
    expect(operation, 'GET /admin/gateways').toBeDefined();
    expect(operation!.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation!.responses).sort()).toEqual(['200', '401']);
  });

  it('lists the gateway with one healthy and one unhealthy target, then forgets it once it stopped', async () => {
    const ours = (view: Fleet) => view.gateways.find((g) => g.upstreams.some((upstream) => upstream.origin === closed));
    const seen = await waitFor(
      async () => {
        const view = await fleet();
        const mine = ours(view);
        return mine?.upstreams.find((upstream) => upstream.origin === closed)?.healthy === false ? { view, mine } : undefined;
      },
      { timeoutMs: 15_000, message: 'the gateway to report its closed target down' },
    );
    const id = seen.mine.gateway_id;
    expect(Date.now() - Date.parse(seen.mine.last_seen)).toBeLessThan(GATEWAY_SILENT_AFTER_MS + 1_000);
    expect([...seen.mine.upstreams].sort((a, b) => a.origin.localeCompare(b.origin))).toEqual(
      [
        { origin: alive.url, healthy: true },
        { origin: closed, healthy: false },
      ].sort((a, b) => a.origin.localeCompare(b.origin)),
    );
    const targets = seen.view.targets.filter((target) => target.origin === alive.url || target.origin === closed);
    expect(targets).toEqual(
      [
        { origin: alive.url, healthy_on: 1, unhealthy_on: 0, gateways: [{ gateway_id: id, healthy: true }] },
        { origin: closed, healthy_on: 0, unhealthy_on: 1, gateways: [{ gateway_id: id, healthy: false }] },
      ].sort((a, b) => (a.origin < b.origin ? -1 : 1)),
    );

    expect(await gateway.stop()).toBe(0);
    await waitFor(async () => !(await fleet()).gateways.some((g) => g.gateway_id === id), {
      timeoutMs: GATEWAY_SILENT_AFTER_MS + 2_000,
      message: 'the stopped gateway to be forgotten',
    });
    expect((await fleet()).targets.filter((target) => target.origin === closed)).toEqual([]);
  });
});
