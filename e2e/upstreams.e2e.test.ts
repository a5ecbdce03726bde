import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, KillableUpstream, startService, waitFor, type StartedService } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

/**
 * Load balancing, health checks, retries and circuit breakers end to end: registry and a gateway as
 * processes on the machine's NATS and PostgreSQL, three real upstream servers (one killed and
 * revived, one flapping), definitions posted in Tyk's shape through /tyk/apis.
 */
describeWithServices('upstreams that fail: Tyk definitions through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let gateway: StartedService;
  let a: KillableUpstream;
  let b: KillableUpstream;
  let flapping: KillableUpstream;
  let deadPorts: number[];

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function send(path: string, method = 'GET') {
    const response = await fetch(`${gateway.url}${path}`, { method });
    return { status: response.status, body: (await response.json()) as any };
  }

  /** A keyless API in Tyk's classic shape, as Tyk's docs show load balancing and uptime tests. */
  const api = (api_id: string, fields: Record<string, unknown>) => ({
    api_id,
    name: api_id,
    use_keyless: true,
    active: true,
    proxy: { listen_path: `/${api_id}/`, target_url: a.url, strip_listen_path: true, ...(fields.proxy as object) },
    ...Object.fromEntries(Object.entries(fields).filter(([field]) => field !== 'proxy')),
  });

  const healthOf = async (origin: string) =>
    ((await call('GET', '/tyk/upstreams/health')).body.targets as { origin: string; healthy: boolean }[]).find((target) => target.origin === origin)?.healthy;

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_upstreams');
    const ports = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
    a = new KillableUpstream('a', ports[0]!);
    b = new KillableUpstream('b', ports[1]!);
    flapping = new KillableUpstream('flapping', ports[2]!);
    deadPorts = [ports[3]!, ports[4]!];
    await Promise.all([a.start(), b.start(), flapping.start()]);
    registry = await startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 });
    gateway = await startService('gateway', { adminSecret });
    await gatewayReady(gateway);

    const definitions = [
      api('balanced', {
        proxy: { enable_load_balancing: true, target_list: [a.url, a.url, b.url], check_host_against_uptime_tests: true },
        // Tyk's uptime_tests: timeout is a Go duration (ns); recheck_wait the interval here.
        uptime_tests: {
          check_list: [
            { url: `${a.url}/health`, method: 'GET', timeout: 1_000_000_000 },
            { url: `${b.url}/health`, method: 'GET', timeout: 1_000_000_000 },
          ],
          config: { expire_utime_after: 0, recheck_wait: 0.2 },
        },
      }),
      api('all-down', {
        proxy: { enable_load_balancing: true, target_list: deadPorts.map((port) => `http://127.0.0.1:${port}`), check_host_against_uptime_tests: true },
        uptime_tests: {
          check_list: deadPorts.map((port) => ({ url: `http://127.0.0.1:${port}/health`, timeout: 500_000_000 })),
          config: { recheck_wait: 0.2 },
        },
      }),
      api('breaker', {
        proxy: { target_url: flapping.url },
        version_data: {
          not_versioned: true,
          versions: {
            Default: {
              name: 'Default',
              use_extended_paths: true,
              extended_paths: {
                circuit_breakers: [
                  { path: '/flaky', method: 'GET', threshold_percent: 0.5, samples: 4, return_to_service_after: 1, disable_half_open_state: false },
                ],
              },
            },
          },
        },
      }),
    ];
    for (const definition of definitions) {
      const created = await call('POST', '/tyk/apis', definition);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    await waitFor(async () => (await fetch(`${gateway.url}/balanced/x`)).status === 200, { timeoutMs: 10_000, message: 'balanced to be served' });
    await waitFor(async () => (await fetch(`${gateway.url}/breaker/x`)).status === 200, { timeoutMs: 10_000, message: 'breaker to be served' });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, registry].filter(Boolean).map((service) => service.stop()));
    await Promise.allSettled([a?.kill(), b?.kill(), flapping?.kill()]);
    await database?.drop();
  });

  it('spreads requests round robin over target_list, a target listed twice getting two shares', async () => {
    const seen: string[] = [];
    for (let i = 0; i < 9; i++) seen.push((await send('/balanced/x')).body.upstream);
    expect(seen.filter((name) => name === 'a')).toHaveLength(6);
    expect(seen.filter((name) => name === 'b')).toHaveLength(3);
  });

  it('a killed target: requests are retried on the other one, it is taken out, and put back when it answers again', async () => {
    await b.kill();
    for (let i = 0; i < 6; i++) expect(await send('/balanced/x')).toEqual({ status: 200, body: { upstream: 'a' } });
    await waitFor(async () => (await healthOf(b.url)) === false, { timeoutMs: 5_000, message: 'b to be taken out' });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain(`portcullis_upstream_target_up{target="${b.url}"} 0`);
    expect(metrics).toContain(`portcullis_upstream_target_up{target="${a.url}"} 1`);
    // The admin view wants the admin secret, as every /tyk/ call.
    expect((await fetch(`${gateway.url}/tyk/upstreams/health`)).status).toBe(401);

    await b.start();
    await waitFor(async () => (await healthOf(b.url)) === true, { timeoutMs: 5_000, message: 'b to be back in service' });
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) seen.add((await send('/balanced/x')).body.upstream);
    expect(seen).toEqual(new Set(['a', 'b']));
  });

  it('every target out: 502 upstream_unavailable, saying which check stopped it', async () => {
    await waitFor(async () => (await send('/all-down/x')).body.error === 'upstream_unavailable', { timeoutMs: 5_000, message: 'all-down to be unavailable' });
    expect(await send('/all-down/x')).toEqual({ status: 502, body: { error: 'upstream_unavailable', message: 'No healthy upstream target is available' } });
  });

  it('a flapping upstream trips the breaker: 503 circuit_open without calling it, then one trial closes it', async () => {
    flapping.failing = true;
    for (let i = 0; i < 4; i++) expect((await send('/breaker/flaky')).status).toBe(500);
    const calls = flapping.calls;
    expect(await send('/breaker/flaky')).toEqual({
      status: 503,
      body: { error: 'circuit_open', message: 'The upstream service is unavailable: circuit breaker open' },
    });
    expect(flapping.calls).toBe(calls);
    // Other paths have no breaker.
    expect((await send('/breaker/steady')).status).toBe(500);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('portcullis_circuit_breaker_state{api_id="breaker",version="Default",method="GET",path="/flaky"} 1');

    flapping.failing = false;
    await waitFor(async () => (await send('/breaker/flaky')).status === 200, { timeoutMs: 5_000, message: 'the breaker to let a trial through' });
    expect((await send('/breaker/flaky')).status).toBe(200);
    const after = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(after).toContain('portcullis_circuit_breaker_state{api_id="breaker",version="Default",method="GET",path="/flaky"} 0');
    expect(after).toContain('event="BreakerReset"} 1');
    expect(gateway.logs()).toContain('BreakerTripped');
  });

  it('bad input: a target list with a non-URL, negative intervals and thresholds: 400 naming the field, nothing stored', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ proxy: { enable_load_balancing: true, target_list: [a.url, 'not a url'] } }, 'proxy.target_list.1'],
      [{ uptime_tests: { check_list: [{ url: `${a.url}/health` }], config: { recheck_wait: -1 } } }, 'uptime_tests.config.recheck_wait'],
      [{ uptime_tests: { check_list: [{ url: `${a.url}/health`, timeout: -5 }] } }, 'uptime_tests.check_list.0.timeout'],
      [
        {
          version_data: {
            not_versioned: true,
            versions: {
              Default: {
                name: 'Default',
                use_extended_paths: true,
                extended_paths: { circuit_breakers: [{ path: '/x', threshold_percent: -0.5, samples: 5, return_to_service_after: 60 }] },
              },
            },
          },
        },
        'version_data.versions.Default.extended_paths.circuit_breakers.0.threshold_percent',
      ],
      [
        {
          version_data: {
            not_versioned: true,
            versions: {
              Default: {
                name: 'Default',
                use_extended_paths: true,
                extended_paths: { circuit_breakers: [{ path: '/x', threshold_percent: 0.5, samples: 5, return_to_service_after: -60 }] },
              },
            },
          },
        },
        'version_data.versions.Default.extended_paths.circuit_breakers.0.return_to_service_after',
      ],
    ];
    for (const [fields, field] of cases) {
      const refused = await call('POST', '/tyk/apis', api('refused', fields));
      expect(refused.status, field).toBe(400);
      expect(refused.body.error).toBe('validation_failed');
      expect(refused.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect((await call('GET', '/tyk/apis/refused')).status).toBe(404);
    }
  });
});
