import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { DEFAULT_PASSIVE_CHECKS } from './target-health.js';

const PASSIVE_FAILURES = DEFAULT_PASSIVE_CHECKS.failures;

/** Real upstreams answering their own name; `health` decides what their /health says. */
type Named = { server: Server; url: string; hits: { method: string; path: string }[]; health: number };

async function upstream(name: string): Promise<Named> {
  const named: Named = { server: null as never, url: '', hits: [], health: 200 };
  named.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/health') {
      res.statusCode = named.health;
      res.end();
      return;
    }
    named.hits.push({ method: req.method!, path: req.url! });
    req.resume();
    req.on('end', () => res.end(name));
  });
  await new Promise<void>((resolve) => named.server.listen(0, '127.0.0.1', resolve));
  named.url = `http://127.0.0.1:${(named.server.address() as AddressInfo).port}`;
  return named;
}

/** A port nothing listens on: connections are refused. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let a: Named;
let b: Named;
beforeAll(async () => {
  a = await upstream('a');
  b = await upstream('b');
});
afterAll(async () => {
  for (const named of [a, b]) {
    named.server.closeAllConnections();
    await new Promise<void>((resolve) => named.server.close(() => resolve()));
  }
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  a.hits.length = 0;
  b.hits.length = 0;
  a.health = 200;
  b.health = 200;
});

async function gatewayFor(proxy: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const built = compiledConfiguration([
    definition({ api_id: 'lb', ...extra, proxy: { listen_path: '/lb', target_url: a.url, strip_listen_path: true, ...proxy } as never }),
  ]);
  const plane = await startDataPlane(built.config);
  cleanups.push(async () => {
    await plane.close();
    await built.pools.closeAll();
  });
  return { ...plane, pools: built.pools, metrics: built.metrics };
}

async function get(url: string, method = 'GET', body?: string) {
  const answer = await request(url, { method: method as 'GET', body });
  return { status: answer.statusCode, text: await answer.body.text() };
}

describe('load balancing (proxy.enable_load_balancing)', () => {
  it('sends requests round robin over target_list, one listed twice getting two turns', async () => {
    const gateway = await gatewayFor({ enable_load_balancing: true, target_list: [a.url, a.url, b.url] });
    const names: string[] = [];
    for (let i = 0; i < 6; i++) names.push((await get(`${gateway.url}/lb/x`)).text);
    expect(names).toEqual(['a', 'a', 'b', 'a', 'a', 'b']);
    expect(b.hits[0]).toEqual({ method: 'GET', path: '/x' });
  });

  it('without enable_load_balancing, target_list is not used', async () => {
    const gateway = await gatewayFor({ target_list: [b.url] });
    expect((await get(`${gateway.url}/lb/x`)).text).toBe('a');
    expect((await get(`${gateway.url}/lb/x`)).text).toBe('a');
  });

  it('retries an idempotent request refused by one target once on another', async () => {
    const dead = await deadUrl();
    const gateway = await gatewayFor({ enable_load_balancing: true, target_list: [dead, b.url] });
    expect(await get(`${gateway.url}/lb/x`)).toEqual({ status: 200, text: 'b' });
    expect(await get(`${gateway.url}/lb/y`, 'DELETE')).toEqual({ status: 200, text: 'b' });
    expect(b.hits).toEqual([
      { method: 'GET', path: '/x' },
      { method: 'DELETE', path: '/y' },
    ]);
  });

  it('never retries a request that is not idempotent or whose body was streamed: 502 upstream_unreachable', async () => {
    const dead = await deadUrl();
    const gateway = await gatewayFor({ enable_load_balancing: true, target_list: [dead, b.url] });
    for (const method of ['POST', 'PUT']) {
      const answer = await get(`${gateway.url}/lb/x`, method, '{"n":1}');
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.text).error).toBe('upstream_unreachable');
      // The next request goes to the live target (round robin): send the failing one to `dead` again.
      expect((await get(`${gateway.url}/lb/x`)).text).toBe('b');
    }
    expect(b.hits.map((hit) => hit.method)).toEqual(['GET', 'GET']);
  });

  it(`takes a target out after ${PASSIVE_FAILURES} failures (passive check), visible in /metrics`, async () => {
    const dead = await deadUrl();
    const gateway = await gatewayFor({ enable_load_balancing: true, target_list: [dead, b.url] });
    gateway.metrics.trackUpstreamHealth(() => gateway.pools.targetHealth);
    for (let i = 0; i < PASSIVE_FAILURES * 2; i++) expect((await get(`${gateway.url}/lb/x`)).text).toBe('b');
    expect(gateway.pools.targetHealth).toEqual([
      { origin: dead, healthy: false },
      { origin: b.url, healthy: true },
    ]);
    const text = await gateway.metrics.registry.metrics();
    expect(text).toContain(`portcullis_upstream_target_up{target="${dead}"} 0`);
    expect(text).toContain(`portcullis_upstream_target_up{target="${b.url}"} 1`);
  });

  it('answers 502 upstream_unavailable when every target is out, without calling any', async () => {
    const gateway = await gatewayFor({ enable_load_balancing: true, target_list: [a.url, b.url] });
    gateway.pools.health(a.url).recordCheck(false, 'test');
    gateway.pools.health(b.url).recordCheck(false, 'test');
    const answer = await get(`${gateway.url}/lb/x`);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.text).error).toBe('upstream_unavailable');
    expect([...a.hits, ...b.hits]).toEqual([]);
  });
});

describe('uptime tests (check_host_against_uptime_tests)', () => {
  it('takes out a target whose check fails and puts it back when it answers again', async () => {
    b.health = 500;
    const gateway = await gatewayFor(
      { enable_load_balancing: true, target_list: [a.url, b.url], check_host_against_uptime_tests: true },
      { uptime_tests: { check_list: [{ url: `${a.url}/health` }, { url: `${b.url}/health`, timeout: 1e9 }], config: { recheck_wait: 0.05 } } },
    );
    await expect.poll(() => gateway.pools.health(b.url).healthy).toBe(false);
    for (let i = 0; i < 4; i++) expect((await get(`${gateway.url}/lb/x`)).text).toBe('a');
    b.health = 200;
    await expect.poll(() => gateway.pools.health(b.url).healthy).toBe(true);
    const names = new Set<string>();
    for (let i = 0; i < 4; i++) names.add((await get(`${gateway.url}/lb/x`)).text);
    expect(names).toEqual(new Set(['a', 'b']));
  });
});
