import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, itWithRedis, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { tykSwaggerChecker } from './support/tyk-swagger.js';
import { startService, waitFor, type StartedService } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

/**
 * Tyk's response cache end to end: registry, auth and gateways as processes on the machine's NATS,
 * PostgreSQL (and Redis for the shared cache), definitions in Tyk's shape posted through /tyk/apis,
 * and a real upstream that counts the calls it answers, so a hit is seen not to reach it.
 */
describeWithServices("Tyk's response cache through real gateways", () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(3).toString('hex');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  /** Tyk's Gateway API document: /tyk/cache answers as it documents them (differences in docs/migrating-from-tyk.md). */
  const expectTykShape = tykSwaggerChecker();
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let second: StartedService;
  const extra: StartedService[] = [];
  let upstream: Server;
  let upstreamUrl: string;
  /** Calls the upstream answered, by path and query. */
  const calls = new Map<string, number>();
  const callsTo = (target: string) => calls.get(target) ?? 0;

  const id = (name: string) => `cache-${name}-${runId}`;
  const api = (name: string, fields: Record<string, unknown>) => ({
    api_id: id(name),
    name: id(name),
    use_keyless: true,
    proxy: { listen_path: `/${id(name)}/`, target_url: upstreamUrl, strip_listen_path: true },
    ...fields,
  });
  /** Tyk's documented cache_options (tyk-docs, "Caching"), with every safe request cached. */
  const cacheOptions = (fields: Record<string, unknown> = {}) => ({
    cache_options: {
      cache_timeout: 60,
      enable_cache: true,
      cache_all_safe_requests: true,
      enable_upstream_cache_control: false,
      cache_by_headers: [],
      cache_response_codes: [200],
      ...fields,
    },
  });

  async function admin(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function get(target: StartedService, path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${target.url}${path}`, { headers });
    return { status: response.status, cached: response.headers.get('x-tyk-cached-response'), text: await response.text(), headers: response.headers };
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_cache');
    upstream = createServer((req, res) => {
      const target = req.url ?? '/';
      const count = callsTo(target) + 1;
      calls.set(target, count);
      if (target.startsWith('/broken')) res.statusCode = 500;
      // Tyk's upstream cache control: the upstream marks what may be cached, and for how long.
      if (target.startsWith('/marked')) res.setHeader('x-tyk-cache-action-set', '1');
      if (target.startsWith('/marked-ttl')) res.setHeader('x-tyk-cache-action-set-ttl', '30');
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ target, count, authorization: req.headers.authorization ?? null, variant: req.headers['x-variant'] ?? null }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    [gateway, second] = await Promise.all([
      startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } }),
      startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } }),
    ]);
    for (const g of [gateway, second]) await gatewayReady(g);

    const definitions = [
      api('open', cacheOptions({ cache_by_headers: ['X-Variant'] })),
      api('short', cacheOptions({ cache_timeout: 1 })),
      api('keyed', { use_keyless: false, use_standard_auth: true, auth: { auth_header_name: 'Authorization' }, ...cacheOptions() }),
      // Tyk's upstream-controlled cache as its docs set it up: cached paths listed, the upstream decides.
      api('upstream', {
        ...cacheOptions({ cache_all_safe_requests: false, enable_upstream_cache_control: true }),
        version_data: {
          not_versioned: true,
          versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: { cache: ['/marked', '/plain'] } } },
        },
      }),
    ];
    for (const definition of definitions) {
      const created = await admin('POST', '/tyk/apis', definition);
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    expect(
      (
        await admin('POST', '/tyk/policies', {
          id: id('policy'),
          name: id('policy'),
          rate: 4,
          per: 60,
          access_rights: { [id('keyed')]: { api_id: id('keyed'), api_name: id('keyed'), versions: [], allowed_urls: [] } },
        })
      ).status,
    ).toBe(200);
    for (const g of [gateway, second]) {
      await waitFor(async () => (await get(g, `/${id('upstream')}/probe`)).status === 200, { timeoutMs: 10_000, message: 'the APIs to be served' });
      await waitFor(async () => (await get(g, `/${id('keyed')}/probe`)).status === 401, { timeoutMs: 10_000, message: 'the keyed API to be served' });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, second, ...extra, auth, registry].filter(Boolean).map((service) => service.stop()));
    upstream?.closeAllConnections();
    await new Promise((resolve) => upstream?.close(resolve));
    await database?.drop();
  });

  it('a miss goes upstream and is stored; a hit is answered by the gateway with X-Tyk-Cached-Response: 1, the upstream not called', async () => {
    const path = `/${id('open')}/items?page=1`;
    const miss = await get(gateway, path);
    expect(miss).toMatchObject({ status: 200, cached: null });
    const hit = await get(gateway, path);
    expect(hit).toMatchObject({ status: 200, cached: '1', text: miss.text });
    expect(hit.headers.get('content-type')).toBe('application/json');
    expect(callsTo('/items?page=1')).toBe(1);
    // Another query string is another request.
    expect((await get(gateway, `/${id('open')}/items?page=2`)).cached).toBeNull();
  });

  it('cache_timeout: an answer older than the timeout is fetched again', async () => {
    const path = `/${id('short')}/clock`;
    await get(gateway, path);
    expect((await get(gateway, path)).cached).toBe('1');
    await waitFor(async () => (await get(gateway, path)).cached === null, { timeoutMs: 5_000, message: 'the entry to expire' });
    expect(callsTo('/clock')).toBe(2);
  });

  it("a keyed API: one caller never gets another's answer, and a cached answer still costs the rate limit", async () => {
    const newKey = async () => (await admin('POST', '/tyk/keys', { apply_policies: [id('policy')] })).body.key as string;
    const [alice, bob] = await Promise.all([newKey(), newKey()]);
    const path = `/${id('keyed')}/mine`;
    const first = await get(gateway, path, { authorization: alice });
    expect(first.status).toBe(200);
    const bobs = await get(gateway, path, { authorization: bob });
    expect(bobs).toMatchObject({ status: 200, cached: null });
    expect(JSON.parse(bobs.text).authorization).toBe(bob);
    expect(await get(gateway, path, { authorization: alice })).toMatchObject({ status: 200, cached: '1', text: first.text });
    expect(callsTo('/mine')).toBe(2);
    // Without a key: 401, never the cached answer.
    expect((await get(gateway, path)).status).toBe(401);
    // rate 4 per 60 s (this gateway's share of it, the fleet sharing limits over NATS): cached
    // answers until the limit, then 429 although the answer is in the cache.
    let last = await get(gateway, path, { authorization: alice });
    for (let i = 0; i < 5 && last.status === 200; i++) {
      expect(last.cached).toBe('1');
      last = await get(gateway, path, { authorization: alice });
    }
    expect(last.status).toBe(429);
    expect(callsTo('/mine')).toBe(2);
  });

  it('cache_by_headers: each value of the listed header has its own entry', async () => {
    const path = `/${id('open')}/variants`;
    const a = await get(gateway, path, { 'x-variant': 'a' });
    const b = await get(gateway, path, { 'x-variant': 'b' });
    expect([JSON.parse(a.text).variant, JSON.parse(b.text).variant]).toEqual(['a', 'b']);
    expect(await get(gateway, path, { 'x-variant': 'a' })).toMatchObject({ cached: '1', text: a.text });
    expect(await get(gateway, path, { 'x-variant': 'b' })).toMatchObject({ cached: '1', text: b.text });
    expect(callsTo('/variants')).toBe(2);
  });

  it('cache_response_codes: a 500 is not stored', async () => {
    const path = `/${id('open')}/broken`;
    expect((await get(gateway, path)).status).toBe(500);
    expect(await get(gateway, path)).toMatchObject({ status: 500, cached: null });
    expect(callsTo('/broken')).toBe(2);
  });

  it('enable_upstream_cache_control: only answers the upstream marks with x-tyk-cache-action-set are stored', async () => {
    await get(gateway, `/${id('upstream')}/plain`);
    expect((await get(gateway, `/${id('upstream')}/plain`)).cached).toBeNull();
    await get(gateway, `/${id('upstream')}/marked-ttl`);
    expect((await get(gateway, `/${id('upstream')}/marked-ttl`)).cached).toBe('1');
    expect([callsTo('/plain'), callsTo('/marked-ttl')]).toEqual([2, 1]);
  });

  it("DELETE /tyk/cache/{api_id} (Tyk's endpoint) empties the cache of every gateway, and needs the secret", async () => {
    const path = `/${id('open')}/purged`;
    for (const g of [gateway, second]) await get(g, path);
    for (const g of [gateway, second]) expect((await get(g, path)).cached).toBe('1');
    const anonymous = await fetch(`${gateway.url}/tyk/cache/${id('open')}`, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expectTykShape('/tyk/cache/{apiID}', 'DELETE', 401, await anonymous.json(), 403);
    expect((await get(gateway, path)).cached).toBe('1');
    const purged = await admin('DELETE', `/tyk/cache/${id('open')}`);
    expect(purged).toEqual({ status: 200, body: { status: 'ok', message: 'cache invalidated' } });
    expectTykShape('/tyk/cache/{apiID}', 'DELETE', 200, purged.body);
    // At once on the gateway asked; broadcast over NATS, the other gateway (memory cache) drops it too.
    expect((await get(gateway, path)).cached).toBeNull();
    await waitFor(async () => (await get(second, path)).cached === null, { timeoutMs: 5_000, message: 'the purge to reach the other gateway' });
    // A pattern is not an API id: nothing wider than one API can be purged.
    const bad = await admin('DELETE', '/tyk/cache/*');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ field: 'api_id', message: expect.any(String) }]);
    expectTykShape('/tyk/cache/{apiID}', 'DELETE', 400, bad.body, 500);
  });

  it('bad input: a negative cache_timeout is refused with 400 naming the field, nothing stored', async () => {
    const refused = await admin('POST', '/tyk/apis', api('bad', cacheOptions({ cache_timeout: -1 })));
    expect(refused.status).toBe(400);
    expect(refused.body.details.map((detail: { field: string }) => detail.field)).toEqual(['cache_options.cache_timeout']);
    expect((await admin('GET', `/tyk/apis/${id('bad')}`)).status).toBe(404);
  });

  itWithRedis(
    'with REDIS_URL, gateways share the cache: stored by one, served by another, purged for all',
    async () => {
      const fleet = await Promise.all(
        [0, 1].map(() => startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url, REDIS_URL: testServices.redisUrl } })),
      );
      extra.push(...fleet);
      for (const g of fleet)
        await waitFor(async () => (await get(g, `/${id('upstream')}/probe`)).status === 200, {
          timeoutMs: 15_000,
          message: 'the Redis gateways to serve the APIs',
        });
      const path = `/${id('open')}/shared`;
      const stored = await get(fleet[0]!, path);
      expect(stored.cached).toBeNull();
      await waitFor(async () => (await get(fleet[1]!, path)).cached === '1', { timeoutMs: 5_000, message: 'the answer to be in Redis' });
      expect((await get(fleet[1]!, path)).text).toBe(stored.text);
      expect(callsTo('/shared')).toBe(1);
      const purged = await fetch(`${fleet[1]!.url}/tyk/cache/${id('open')}`, { method: 'DELETE', headers: tyk });
      expect(purged.status).toBe(200);
      expect((await get(fleet[0]!, path)).cached).toBeNull();
      expect(callsTo('/shared')).toBe(2);
    },
    60_000,
  );
});
