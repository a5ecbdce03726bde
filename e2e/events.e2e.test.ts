import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, KillableUpstream, startService, waitFor, type StartedService } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

interface Hook {
  path: string;
  headers: IncomingMessage['headers'];
  body: any;
}

/**
 * event_handlers end to end: registry and a gateway as processes on the machine's NATS and
 * PostgreSQL, real upstreams (one flapping, one killed and revived) and a real webhook receiver
 * (one of its paths never answers), definitions posted in Tyk's shape through /tyk/apis.
 */
describeWithServices('event_handlers: Tyk webhooks from breakers and health checks, through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const hookToken = `hook-token-${randomBytes(8).toString('hex')}`;
  const pathSecret = `path-secret-${randomBytes(8).toString('hex')}`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let gateway: StartedService;
  let flapping: KillableUpstream;
  let a: KillableUpstream;
  let b: KillableUpstream;
  let receiver: Server;
  let receiverUrl: string;
  const hooks: Hook[] = [];
  const hanging: IncomingMessage[] = [];

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  const status = async (path: string) => (await fetch(`${gateway.url}${path}`)).status;
  const metric = async (event: string, outcome: string) => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const line = text.split('\n').find((entry) => entry.startsWith(`portcullis_event_webhooks_total{event="${event}",outcome="${outcome}"}`));
    return line === undefined ? 0 : Number(line.split(' ').pop());
  };
  const webhook = (path: string, more: Record<string, unknown> = {}) => ({
    handler_name: 'eh_web_hook_handler',
    handler_meta: {
      method: 'POST',
      target_path: `${receiverUrl}${path}`,
      template_path: 'templates/default_webhook.json',
      header_map: { 'X-Hook-Token': hookToken },
      event_timeout: 0,
      ...more,
    },
  });
  const breakerVersion = (path: string) => ({
    not_versioned: true,
    versions: {
      Default: {
        name: 'Default',
        use_extended_paths: true,
        extended_paths: {
          circuit_breakers: [{ path, method: 'GET', threshold_percent: 0.5, samples: 4, return_to_service_after: 1, disable_half_open_state: false }],
        },
      },
    },
  });
  const api = (api_id: string, fields: Record<string, unknown>) => ({
    api_id,
    name: api_id,
    use_keyless: true,
    active: true,
    proxy: { listen_path: `/${api_id}/`, target_url: flapping.url, strip_listen_path: true, ...(fields.proxy as object) },
    ...Object.fromEntries(Object.entries(fields).filter(([field]) => field !== 'proxy')),
  });

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        if (req.url!.startsWith('/hang')) {
          hanging.push(req);
          return;
        }
        hooks.push({ path: req.url!, headers: req.headers, body: JSON.parse(body) });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    database = await createScratchDatabase('portcullis_e2e_events');
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    flapping = new KillableUpstream('flapping', ports[0]!, (path) => path.startsWith('/flaky'));
    a = new KillableUpstream('a', ports[1]!);
    b = new KillableUpstream('b', ports[2]!);
    await Promise.all([flapping.start(), a.start(), b.start()]);
    registry = await startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 });
    gateway = await startService('gateway', { adminSecret, env: { EVENT_WEBHOOK_TIMEOUT_MS: '3000' } });
    await gatewayReady(gateway);

    const definitions = [
      api('breaker', {
        version_data: breakerVersion('/flaky'),
        event_handlers: { events: { BreakerTripped: [webhook('/breaker')], BreakerReset: [webhook('/breaker')] } },
      }),
      api('hanging', {
        version_data: breakerVersion('/flaky-hang'),
        event_handlers: { events: { BreakerTripped: [webhook(`/hang/${pathSecret}?token=${pathSecret}`)] } },
      }),
      { ...api('guarded', { event_handlers: { events: { AuthFailure: [webhook('/auth')] } } }), use_keyless: false, use_standard_auth: true },
      api('hosts', {
        proxy: { target_url: a.url, enable_load_balancing: true, target_list: [a.url, b.url], check_host_against_uptime_tests: true },
        uptime_tests: {
          check_list: [
            { url: `${a.url}/health`, timeout: 500_000_000 },
            { url: `${b.url}/health`, timeout: 500_000_000 },
          ],
          config: { recheck_wait: 0.2 },
        },
        event_handlers: { events: { HostDown: [webhook('/hosts')], HostUp: [webhook('/hosts')] } },
      }),
    ];
    for (const definition of definitions) {
      const created = await call('POST', '/tyk/apis', definition);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    await waitFor(async () => (await status('/guarded/x')) === 401, { timeoutMs: 10_000, message: '/guarded/ to be served' });
    for (const path of ['/breaker/x', '/hanging/x', '/hosts/x'])
      await waitFor(async () => (await status(path)) === 200, { timeoutMs: 10_000, message: `${path} to be served` });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, registry].filter(Boolean).map((service) => service.stop()));
    await Promise.allSettled([flapping?.kill(), a?.kill(), b?.kill()]);
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.drop();
  });

  it("a flapping upstream trips the breaker: the webhook receives BreakerTripped, then BreakerReset when it closes, in Tyk's default body", async () => {
    flapping.failing = true;
    for (let i = 0; i < 4; i++) expect(await status('/breaker/flaky')).toBe(500);
    expect(await status('/breaker/flaky')).toBe(503);
    await waitFor(async () => hooks.some((hook) => hook.path === '/breaker'), { timeoutMs: 5_000, message: 'BreakerTripped to reach the receiver' });
    flapping.failing = false;
    await waitFor(async () => (await status('/breaker/flaky')) === 200, { timeoutMs: 5_000, message: 'the trial request to close the breaker' });
    await waitFor(async () => hooks.filter((hook) => hook.path === '/breaker').length === 2, {
      timeoutMs: 5_000,
      message: 'BreakerReset to reach the receiver',
    });

    const received = hooks.filter((hook) => hook.path === '/breaker');
    expect(received.map((hook) => hook.body.event)).toEqual(['BreakerTripped', 'BreakerReset']);
    expect(received[0]!.body).toEqual({
      event: 'BreakerTripped',
      message: expect.stringContaining('4 of the last 4 requests failed'),
      api_id: 'breaker',
      path: '/flaky',
      Status: '0',
    });
    expect(received[1]!.body).toEqual({
      event: 'BreakerReset',
      message: expect.stringContaining('the trial request succeeded'),
      api_id: 'breaker',
      path: '/flaky',
      Status: '1',
    });
    expect(received[0]!.headers['x-hook-token']).toBe(hookToken);
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(await metric('BreakerTripped', 'delivered')).toBe(1);
    expect(await metric('BreakerReset', 'delivered')).toBe(1);
  });

  it('a killed target raises HostDown, its revival HostUp, each with the check that saw it', async () => {
    await b.kill();
    await waitFor(async () => hooks.some((hook) => hook.path === '/hosts' && hook.body.event === 'HostDown'), {
      timeoutMs: 5_000,
      message: 'HostDown to reach the receiver',
    });
    await b.start();
    await waitFor(async () => hooks.some((hook) => hook.path === '/hosts' && hook.body.event === 'HostUp'), {
      timeoutMs: 5_000,
      message: 'HostUp to reach the receiver',
    });
    const received = hooks.filter((hook) => hook.path === '/hosts').map((hook) => hook.body);
    expect(received).toEqual([
      {
        event: 'HostDown',
        message: expect.stringContaining(`${b.url} taken out`),
        url: `${b.url}/health`,
        response_code: '0',
        tcp_error: 'true',
        host: `127.0.0.1:${b.port}`,
        api_id: 'hosts',
      },
      {
        event: 'HostUp',
        message: expect.stringContaining(`${b.url} back in service`),
        url: `${b.url}/health`,
        response_code: '200',
        tcp_error: 'false',
        host: `127.0.0.1:${b.port}`,
        api_id: 'hosts',
      },
    ]);
  });

  it('a webhook receiver that hangs: requests keep their speed, the delivery times out, counted, its secrets not logged', async () => {
    flapping.failing = true;
    for (let i = 0; i < 4; i++) expect(await status('/hanging/flaky-hang')).toBe(500);
    await waitFor(async () => hanging.length === 1, { timeoutMs: 5_000, message: 'the webhook to reach the hanging receiver' });
    // The delivery hangs for 3 s: meanwhile the gateway answers at its usual speed (a request that
    // waited on the webhook would take those 3 s).
    const started = performance.now();
    const slowest = { ms: 0 };
    for (let i = 0; i < 50; i++) {
      const one = performance.now();
      expect(await status('/hanging/x')).toBe(200);
      slowest.ms = Math.max(slowest.ms, performance.now() - one);
    }
    expect(performance.now() - started).toBeLessThan(2_500);
    expect(slowest.ms).toBeLessThan(500);
    expect(await metric('BreakerTripped', 'failed')).toBe(0);
    await waitFor(async () => (await metric('BreakerTripped', 'failed')) === 1, { timeoutMs: 8_000, message: 'the delivery to time out' });
    expect(gateway.logs()).toContain('timed out after 3000 ms');
    // header_map values and the webhook URL's path and query never reach the log.
    expect(gateway.logs()).not.toContain(hookToken);
    expect(gateway.logs()).not.toContain(pathSecret);
    flapping.failing = false;
  });

  it('a request without a key raises AuthFailure with its path and origin, no key', async () => {
    const before = hooks.filter((hook) => hook.path === '/auth').length;
    expect(await status('/guarded/orders?api_key=wrong')).toBe(401);
    await waitFor(async () => hooks.filter((hook) => hook.path === '/auth').length === before + 1, {
      timeoutMs: 5_000,
      message: 'AuthFailure to reach the receiver',
    });
    expect(hooks.filter((hook) => hook.path === '/auth').pop()!.body).toEqual({
      event: 'AuthFailure',
      message: 'Auth Failure',
      path: '/guarded/orders',
      origin: expect.stringMatching(/127\.0\.0\.1$/),
      key: '',
    });
  });

  it('bad input: event and handler names, URL, method, headers, cooldown: 400 naming the field, nothing stored', async () => {
    const at = 'event_handlers.events.BreakerTripped.0';
    const cases: [Record<string, unknown>, string][] = [
      [{ BreakerTriped: [webhook('/x')] }, 'event_handlers.events.BreakerTriped'],
      [{ BreakerTripped: [{ handler_name: 'eh_js_handler', handler_meta: { name: 'h', path: 'h.js' } }] }, `${at}.handler_name`],
      [{ BreakerTripped: [webhook('/x', { target_path: 'ftp://hooks.example/x' })] }, `${at}.handler_meta.target_path`],
      [{ BreakerTripped: [webhook('/x', { method: 'CONNECT' })] }, `${at}.handler_meta.method`],
      [{ BreakerTripped: [webhook('/x', { header_map: { 'X-A': 42 } })] }, `${at}.handler_meta.header_map.X-A`],
      [{ BreakerTripped: [webhook('/x', { event_timeout: -10 })] }, `${at}.handler_meta.event_timeout`],
    ];
    for (const [events, field] of cases) {
      const refused = await call('POST', '/tyk/apis', api('refused', { event_handlers: { events } }));
      expect(refused.status, field).toBe(400);
      expect(refused.body.error).toBe('validation_failed');
      expect(refused.body.details.map((detail: { field: string }) => detail.field)).toContain(field);
      expect((await call('GET', '/tyk/apis/refused')).status).toBe(404);
    }
    // An update with a bad handler leaves the stored definition as it was.
    const update = await call(
      'PUT',
      '/tyk/apis/breaker',
      api('breaker', { version_data: breakerVersion('/flaky'), event_handlers: { events: { BreakerTripped: [webhook('/x', { target_path: 'nope' })] } } }),
    );
    expect(update.status).toBe(400);
    const stored = await call('GET', '/tyk/apis/breaker');
    expect(stored.body.event_handlers.events.BreakerTripped[0].handler_meta.target_path).toBe(`${receiverUrl}/breaker`);
  });
});
