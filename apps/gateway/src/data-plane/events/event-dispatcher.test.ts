import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookSpec } from '@portcullis/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiEvents, compileEvents } from './api-events.js';
import { definition } from '../../../test/fixtures/data-plane.js';
import { defaultWebhookBody } from './event-body.js';
import { EventDispatcher, loggableTarget, type DeliveryOutcome } from './event-dispatcher.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real webhook receiver: records what it gets; /slow answers after `slowMs`, /hang never. */
let server: Server;
let base: string;
const received: Received[] = [];
const hanging = new Set<IncomingMessage>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url === '/hang') {
        hanging.add(req);
        return;
      }
      if (req.url === '/fail') return void res.writeHead(500).end();
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function hook(path: string, more: Partial<WebhookSpec> = {}): WebhookSpec {
  return { kind: 'webhook', method: 'POST', targetUrl: `${base}${path}`, headers: {}, cooldownSeconds: 0, ...more };
}

function dispatcher(options: Partial<{ maxQueued: number; concurrency: number; timeoutMs: number }> = {}, now: () => number = Date.now) {
  const outcomes: string[] = [];
  const warnings: string[] = [];
  const instance = new EventDispatcher(
    { maxQueued: 100, concurrency: 4, timeoutMs: 2_000, ...options },
    { outcome: (event: string, outcome: DeliveryOutcome) => outcomes.push(`${event} ${outcome}`), warn: (message) => warnings.push(message) },
    now,
  );
  return { instance, outcomes, warnings };
}

async function until(condition: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('EventDispatcher', () => {
  it('sends the body with the handler method and header_map, counted as delivered', async () => {
    received.length = 0;
    const { instance, outcomes } = dispatcher();
    const body = defaultWebhookBody('BreakerTripped', { apiId: 'a', path: '/flaky', circuitEvent: 0, message: 'tripped' });
    instance.enqueue({ event: 'BreakerTripped', apiId: 'a', webhook: hook('/ok', { method: 'PUT', headers: { 'X-Token': 't' } }), body });
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['BreakerTripped delivered']);
    expect(received[0]).toMatchObject({ method: 'PUT', url: '/ok', body });
    expect(received[0]!.headers['x-token']).toBe('t');
    expect(received[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual({ event: 'BreakerTripped', message: 'tripped', api_id: 'a', path: '/flaky', Status: '0' });
  });

  it('counts a non-2xx answer as failed and does not retry it', async () => {
    received.length = 0;
    const { instance, outcomes, warnings } = dispatcher();
    instance.enqueue({ event: 'HostDown', apiId: 'a', webhook: hook('/fail'), body: '{}' });
    await until(() => outcomes.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(outcomes).toEqual(['HostDown failed']);
    expect(received).toHaveLength(1);
    expect(warnings[0]).toContain('answered 500');
  });

  it('times a hanging receiver out, and enqueue never waits for it', async () => {
    const { instance, outcomes, warnings } = dispatcher({ timeoutMs: 300 });
    const started = performance.now();
    instance.enqueue({ event: 'BreakerReset', apiId: 'a', webhook: hook('/hang'), body: '{}' });
    expect(performance.now() - started).toBeLessThan(20);
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['BreakerReset failed']);
    expect(warnings[0]).toContain('timed out after 300 ms');
  });

  it('drops deliveries past the queue bound, counted, with one warning a second', async () => {
    const { instance, outcomes, warnings } = dispatcher({ maxQueued: 2, concurrency: 1, timeoutMs: 500 });
    for (let i = 0; i < 10; i++) instance.enqueue({ event: 'HostUp', apiId: 'a', webhook: hook('/hang'), body: `{"n":${i}}` });
    // One in flight, two waiting, seven dropped.
    expect(outcomes.filter((outcome) => outcome === 'HostUp dropped')).toHaveLength(7);
    expect(instance.queued).toBe(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('queue full');
    instance.close();
  });

  it("holds back an identical request within event_timeout (Tyk's cooldown), sends a different one", async () => {
    received.length = 0;
    let now = 1_000_000;
    const { instance, outcomes } = dispatcher({}, () => now);
    const webhook = hook('/ok', { cooldownSeconds: 10 });
    instance.enqueue({ event: 'BreakerTripped', apiId: 'a', webhook, body: '{"same":1}' });
    instance.enqueue({ event: 'BreakerTripped', apiId: 'a', webhook, body: '{"same":1}' });
    instance.enqueue({ event: 'BreakerTripped', apiId: 'a', webhook, body: '{"other":1}' });
    now += 10_000;
    instance.enqueue({ event: 'BreakerTripped', apiId: 'a', webhook, body: '{"same":1}' });
    await until(() => outcomes.filter((outcome) => outcome.endsWith('delivered')).length === 3);
    expect(outcomes.filter((outcome) => outcome.endsWith('suppressed'))).toHaveLength(1);
    expect(
      received
        .filter((entry) => entry.url === '/ok')
        .map((entry) => entry.body)
        .sort(),
    ).toEqual(['{"other":1}', '{"same":1}', '{"same":1}']);
  });

  it('sends no body with GET, as Tyk', async () => {
    received.length = 0;
    const { instance, outcomes } = dispatcher();
    instance.enqueue({ event: 'HostUp', apiId: 'a', webhook: hook('/ok', { method: 'GET' }), body: '{"x":1}' });
    await until(() => outcomes.length === 1);
    expect(received[0]).toMatchObject({ method: 'GET', body: '' });
  });

  it('logs only the origin of a webhook URL, never its path or query (where tokens live)', () => {
    expect(loggableTarget('https://hooks.example/services/T000/B000/XXXXSECRET?token=abc')).toBe('https://hooks.example');
  });
});

describe('ApiEvents', () => {
  it('is compiled only for an API with a handler of an event Portcullis raises: the others pay nothing', () => {
    const sink = { dispatcher: dispatcher().instance, log: () => undefined };
    const base = { api_id: 'e', proxy: { listen_path: '/e/', target_url: 'http://127.0.0.1:1' } };
    expect(compileEvents(definition(base), sink)).toBeNull();
    expect(
      compileEvents(
        definition({ ...base, event_handlers: { events: { VersionFailure: [{ handler_name: 'eh_log_handler', handler_meta: { prefix: 'x' } }] } } } as never),
        sink,
      ),
    ).toBeNull();
    expect(
      compileEvents(
        definition({ ...base, event_handlers: { events: { HostDown: [{ handler_name: 'eh_log_handler', handler_meta: { prefix: 'x' } }] } } } as never),
        sink,
      )?.has('HostDown'),
    ).toBe(true);
  });

  it("runs an event's webhooks and log handlers, and nothing for an event it has no handler for", async () => {
    received.length = 0;
    const { instance, outcomes } = dispatcher();
    const lines: string[] = [];
    const events = new ApiEvents('a', new Map([['HostDown', [hook('/ok'), { kind: 'log', prefix: 'ops' }]]]), {
      dispatcher: instance,
      log: (line) => lines.push(line),
    });
    expect(events.has('HostDown')).toBe(true);
    expect(events.has('HostUp')).toBe(false);
    events.fire('HostUp', { apiId: 'a', message: 'up' });
    events.fire('HostDown', { apiId: 'a', message: 'down', host: { checkUrl: 'http://t/health', responseCode: 0, tcpError: true, hostName: 't' } });
    await until(() => outcomes.length === 1);
    expect(lines).toEqual(['ops:HostDown:a: down']);
    expect(JSON.parse(received[0]!.body)).toEqual({
      event: 'HostDown',
      message: 'down',
      url: 'http://t/health',
      response_code: '0',
      tcp_error: 'true',
      host: 't',
      api_id: 'a',
    });
  });
});
