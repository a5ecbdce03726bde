import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step } from '../step.js';
import { proxy } from './proxy.js';
import { timedBesideTimer } from '../../../../../tools/test/timing.js';

/** An upstream whose behaviour each test sets, reporting when a request of its goes away. */
let behaviour: (req: IncomingMessage, res: import('node:http').ServerResponse) => void = (_req, res) => res.end('ok');
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = createServer((req, res) => behaviour(req, res));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

async function gatewayFor(proxyOptions: Record<string, unknown> = {}) {
  const built = compiledConfiguration([definition({ api_id: 'p', proxy: { listen_path: '/p', target_url: upstreamUrl, ...proxyOptions } as never })]);
  const plane = await startDataPlane(built.config);
  cleanups.push(async () => {
    await plane.close();
    await built.pools.closeAll();
  });
  return { ...plane, metrics: built.metrics };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function requestsTotal(metrics: { registry: { metrics(): Promise<string> } }, status: number): Promise<number> {
  const series = `portcullis_gateway_requests_total{api_id="p",status="${status}"}`;
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('proxy step', () => {
  it('is in every chain, after authentication and before record', () => {
    const { config } = compiledConfiguration([definition({ api_id: 'x', use_keyless: false, proxy: { listen_path: '/x', target_url: 'http://127.0.0.1:9' } })]);
    expect(config.apis.get('x')!.chain.map((s) => s.name)).toEqual(['match', 'authenticate', 'authorise', 'rate-limit', 'quota', 'proxy', 'record']);
    expect(proxy.always).toBe(false);
  });

  it("relays the upstream's status, headers and body, and resumes the chain to record it", async () => {
    behaviour = (_req, res) => {
      res.writeHead(201, { 'x-from': 'upstream', 'set-cookie': ['a=1', 'b=2'] });
      res.end('created');
    };
    const gateway = await gatewayFor();
    const res = await request(`${gateway.url}/p/new`);
    expect(res.statusCode).toBe(201);
    expect(res.headers['x-from']).toBe('upstream');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(await res.body.text()).toBe('created');
    expect(await requestsTotal(gateway.metrics, 201)).toBe(1);
  });

  it("adds the enforcement steps' headers to the upstream's in one head, and notes latency and bytes for analytics", async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'x-from': 'upstream', 'set-cookie': ['a=1', 'b=2'] });
      res.end('0123456789');
    };
    const built = compiledConfiguration([definition({ api_id: 'p', proxy: { listen_path: '/p', target_url: upstreamUrl } })]);
    const api = built.config.apis.get('p')!;
    let seen: RequestContext | null = null;
    const limits: Step = {
      name: 'limits',
      always: false,
      enabledFor: () => true,
      handle(ctx) {
        ctx.extraHeaders = ['X-RateLimit-Remaining', '9', 'X-Quota-Remaining', '99'];
        return CONTINUE;
      },
    };
    const probe: Step = { name: 'probe', always: true, enabledFor: () => true, handle: (ctx) => ((seen = ctx), CONTINUE) };
    (api as { chain: readonly Step[] }).chain = [api.chain[0]!, limits, proxy, probe];
    const plane = await startDataPlane(built.config);
    cleanups.push(async () => {
      await plane.close();
      await built.pools.closeAll();
    });
    const res = await request(`${plane.url}/p/x`);
    expect(await res.body.text()).toBe('0123456789');
    expect(res.headers['x-from']).toBe('upstream');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['x-ratelimit-remaining']).toBe('9');
    expect(res.headers['x-quota-remaining']).toBe('99');
    await vi.waitFor(() => expect(seen).not.toBeNull());
    expect(seen!.bytesOut).toBe(10);
    expect(seen!.upstreamMs).toBeGreaterThan(0);
    // Milliseconds, not seconds or microseconds: a local upstream answers in a few, 5 s is the margin.
    expect(seen!.upstreamMs).toBeLessThan(5_000);
  });

  it('answers 502 when the upstream resets the connection before answering', async () => {
    behaviour = (req) => req.socket.destroy();
    const gateway = await gatewayFor();
    const res = await request(`${gateway.url}/p/reset`);
    expect(res.statusCode).toBe(502);
    expect(await res.body.json()).toMatchObject({ error: 'upstream_unreachable' });
  });

  it('answers 504 when no response head comes within proxy.timeout', async () => {
    behaviour = () => undefined;
    const gateway = await gatewayFor({ timeout: 0.2 });
    const { result: res, elapsedMs, timerLatenessMs } = await timedBesideTimer(200, () => request(`${gateway.url}/p/slow`));
    expect(res.statusCode).toBe(504);
    // Kept by the exchange's own timer: undici's coarse one would take up to a second. The bound:
    // 200 ms, plus however late a plain 200 ms timer beside it fired (load), plus 400 ms for the
    // request's own round trips.
    expect(elapsedMs).toBeGreaterThanOrEqual(190);
    expect(elapsedMs).toBeLessThan(200 + timerLatenessMs + 400);
    expect(await res.body.json()).toMatchObject({ error: 'upstream_timeout' });
  });

  it('cuts the client response short when the upstream dies mid-body (the status is already sent)', async () => {
    behaviour = (_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const gateway = await gatewayFor();
    const res = await request(`${gateway.url}/p/partial`);
    expect(res.statusCode).toBe(200);
    // The connection is closed before the promised length: undici's SocketError, not a complete body.
    await expect(res.body.text()).rejects.toMatchObject({ name: 'SocketError', code: 'UND_ERR_SOCKET', message: 'other side closed' });
  });

  it('aborts the upstream request when the client goes away, and records 499', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    let upstreamGotRequest!: () => void;
    const arrived = new Promise<void>((resolve) => (upstreamGotRequest = resolve));
    behaviour = (req, res) => {
      res.on('close', () => upstreamClosed());
      upstreamGotRequest();
      void req;
    };
    const gateway = await gatewayFor();
    const client = httpRequest(`${gateway.url}/p/hang`, { agent: false });
    client.on('error', () => undefined);
    client.end();
    await arrived;
    client.destroy();
    await closed;
    await expect.poll(() => requestsTotal(gateway.metrics, 499), { timeout: 2_000 }).toBe(1);
  });
});
