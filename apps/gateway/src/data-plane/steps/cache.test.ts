import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ApiDefinition } from '@portcullis/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { absentAuthService, contextFor, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../../test/fixtures/enforcement.js';
import { MemoryResponseCache } from '../cache/response-cache.js';
import { buildConfiguration, compileApi } from '../compile.js';
import type { Identity } from '../identity.js';
import { GatewayMetrics } from '../metrics.js';
import { UpstreamPools } from '../upstream-pools.js';
import { cache } from './cache.js';

let upstream: Server;
let upstreamUrl: string;
let calls = 0;
/** What the upstream answers next, by path. */
const answers = new Map<string, (req: IncomingMessage, res: ServerResponse) => void>();

beforeAll(async () => {
  upstream = createServer((req, res) => {
    calls++;
    const path = (req.url ?? '/').split('?')[0]!;
    const special = answers.get(path);
    if (special !== undefined) return special(req, res);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ call: calls, url: req.url, variant: req.headers['x-variant'] ?? null }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

afterEach(() => answers.clear());

function api(cacheOptions: Record<string, unknown>, extra: Record<string, unknown> = {}): ApiDefinition {
  return definition({
    api_id: 'c',
    proxy: { listen_path: '/c', target_url: upstreamUrl, strip_listen_path: true },
    cache_options: cacheOptions,
    ...extra,
  } as never);
}

function build(definitions: ApiDefinition[], maxEntryBytes = 1_048_576) {
  const pools = new UpstreamPools();
  const metrics = new GatewayMetrics();
  const store = new MemoryResponseCache(1_000_000);
  const deps = {
    pools,
    metrics,
    defaultTimeoutSeconds: 30,
    oauth: absentAuthService(),
    enforcement: memoryEnforcement().enforcement,
    responseCache: { store, maxEntryBytes },
  };
  return {
    config: buildConfiguration(
      1,
      definitions.map((d) => compileApi(d, deps)),
      metrics,
    ),
    pools,
    store,
  };
}

async function gateway(definitions: ApiDefinition[], maxEntryBytes?: number) {
  const built = build(definitions, maxEntryBytes);
  const plane = await startDataPlane(built.config);
  const get = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${plane.url}${path}`, init);
    return { status: response.status, cached: response.headers.get('x-tyk-cached-response'), text: await response.text(), headers: response.headers };
  };
  return { ...built, get, close: async () => (await plane.close(), await built.pools.closeAll()) };
}

const all = { enable_cache: true, cache_all_safe_requests: true, cache_timeout: 60 };

describe('cache step', () => {
  it('runs only for APIs with enable_cache, after every check and limit, right before proxy', () => {
    const keyed = build([api(all, { use_keyless: false })])
      .config.apis.get('c')!
      .chain.map((s) => s.name);
    expect(keyed.slice(keyed.indexOf('quota'))).toEqual(['quota', 'cache', 'proxy', 'record']);
    const off = build([api({ ...all, enable_cache: false }), definition({ api_id: 'p', proxy: { listen_path: '/p', target_url: upstreamUrl } })]).config;
    expect(off.apis.get('c')!.chain).not.toContain(cache);
    expect(off.apis.get('p')!.chain).not.toContain(cache);
  });

  it('a hit is answered from the gateway with X-Tyk-Cached-Response: 1, the same body, and no upstream call', async () => {
    const gw = await gateway([api(all)]);
    try {
      const before = calls;
      const first = await gw.get('/c/items?a=1');
      const second = await gw.get('/c/items?a=1');
      expect(first.cached).toBeNull();
      expect(second).toMatchObject({ status: 200, cached: '1', text: first.text });
      expect(second.headers.get('content-type')).toBe('application/json');
      expect(calls - before).toBe(1);
      // Another query is another request.
      expect((await gw.get('/c/items?a=2')).cached).toBeNull();
      expect(calls - before).toBe(2);
    } finally {
      await gw.close();
    }
  });

  it('only safe requests are cached: a POST always goes upstream', async () => {
    const gw = await gateway([api(all)]);
    try {
      const before = calls;
      await gw.get('/c/orders', { method: 'POST', body: 'x' });
      const again = await gw.get('/c/orders', { method: 'POST', body: 'x' });
      expect(again.cached).toBeNull();
      expect(calls - before).toBe(2);
    } finally {
      await gw.close();
    }
  });

  it('cache_response_codes: a status outside the list is not stored', async () => {
    const gw = await gateway([api({ ...all, cache_response_codes: [200] })]);
    answers.set('/broken', (_req, res) => {
      res.statusCode = 500;
      res.end('no');
    });
    try {
      const before = calls;
      await gw.get('/c/broken');
      expect(await gw.get('/c/broken')).toMatchObject({ status: 500, cached: null });
      expect(calls - before).toBe(2);
    } finally {
      await gw.close();
    }
  });

  it("a 304 or 206 (an answer to the request's conditions or range) is not stored, even with every status cached", async () => {
    const gw = await gateway([api(all)]);
    answers.set('/conditional', (req, res) => {
      res.statusCode = req.headers['if-none-match'] === undefined ? 200 : 304;
      res.end(res.statusCode === 200 ? 'the body' : undefined);
    });
    answers.set('/ranged', (req, res) => {
      res.statusCode = req.headers.range === undefined ? 200 : 206;
      res.end(res.statusCode === 200 ? 'the whole body' : 'the');
    });
    try {
      expect((await gw.get('/c/conditional', { headers: { 'if-none-match': '"x"' } })).status).toBe(304);
      expect(await gw.get('/c/conditional')).toMatchObject({ status: 200, cached: null, text: 'the body' });
      expect((await gw.get('/c/ranged', { headers: { range: 'bytes=0-2' } })).status).toBe(206);
      expect(await gw.get('/c/ranged')).toMatchObject({ status: 200, cached: null, text: 'the whole body' });
    } finally {
      await gw.close();
    }
  });

  it("the upstream's Cache-Control: no-store is never stored; private is not stored where every caller would get it", async () => {
    const gw = await gateway([
      api(all),
      api(all, { api_id: 'k', use_keyless: false, proxy: { listen_path: '/k', target_url: upstreamUrl, strip_listen_path: true } }),
    ]);
    answers.set('/no-store', (_req, res) => {
      res.setHeader('cache-control', 'no-store');
      res.end('fresh');
    });
    answers.set('/private', (_req, res) => {
      res.setHeader('cache-control', 'Private, max-age=60');
      res.end('mine');
    });
    try {
      await gw.get('/c/no-store');
      expect((await gw.get('/c/no-store')).cached).toBeNull();
      await gw.get('/c/private');
      expect((await gw.get('/c/private')).cached).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it('a hit for a request whose If-None-Match holds the stored ETag is a 304 without a body, as Tyk answers it', async () => {
    const gw = await gateway([api(all)]);
    answers.set('/tagged', (_req, res) => {
      res.setHeader('etag', '"v1"');
      res.end('tagged body');
    });
    try {
      await gw.get('/c/tagged');
      expect(await gw.get('/c/tagged', { headers: { 'if-none-match': '"v1"' } })).toMatchObject({ status: 304, cached: '1', text: '' });
      expect(await gw.get('/c/tagged', { headers: { 'if-none-match': '"v0"' } })).toMatchObject({ status: 200, cached: '1', text: 'tagged body' });
    } finally {
      await gw.close();
    }
  });

  it('cache_by_headers: each value of a listed header has its own entry', async () => {
    const gw = await gateway([api({ ...all, cache_by_headers: ['X-Variant'] })]);
    try {
      const a = await gw.get('/c/v', { headers: { 'x-variant': 'a' } });
      const b = await gw.get('/c/v', { headers: { 'x-variant': 'b' } });
      expect(JSON.parse(b.text).variant).toBe('b');
      expect((await gw.get('/c/v', { headers: { 'x-variant': 'a' } })).text).toBe(a.text);
      expect((await gw.get('/c/v', { headers: { 'x-variant': 'b' } })).cached).toBe('1');
    } finally {
      await gw.close();
    }
  });

  it('extended_paths.cache and advanced_cache_config: only the listed paths (and methods) are cached', async () => {
    const versions = {
      not_versioned: true,
      versions: {
        Default: {
          name: 'Default',
          use_extended_paths: true,
          extended_paths: { cache: ['/listed'], advanced_cache_config: [{ path: '/heads/{id}', method: 'HEAD', timeout: 5 }] },
        },
      },
    };
    const gw = await gateway([api({ enable_cache: true, cache_all_safe_requests: false }, { version_data: versions })]);
    try {
      await gw.get('/c/listed');
      expect((await gw.get('/c/listed')).cached).toBe('1');
      await gw.get('/c/other');
      expect((await gw.get('/c/other')).cached).toBeNull();
      await gw.get('/c/heads/1', { method: 'HEAD' });
      expect((await gw.get('/c/heads/1', { method: 'HEAD' })).cached).toBe('1');
      await gw.get('/c/heads/1');
      expect((await gw.get('/c/heads/1')).cached).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it("an answer setting a cookie is never stored (one caller's session is not replayed to another)", async () => {
    const gw = await gateway([api(all)]);
    answers.set('/login', (_req, res) => {
      res.setHeader('set-cookie', 'session=secret');
      res.end('hi');
    });
    try {
      await gw.get('/c/login');
      expect((await gw.get('/c/login')).cached).toBeNull();
    } finally {
      await gw.close();
    }
  });

  it('enable_upstream_cache_control: only answers the upstream marks are stored, for the TTL it names', async () => {
    const versions = { not_versioned: true, versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: { cache: ['/'] } } } };
    const gw = await gateway([api({ enable_cache: true, enable_upstream_cache_control: true, cache_control_ttl_header: 'X-Ttl' }, { version_data: versions })]);
    answers.set('/marked', (_req, res) => {
      res.setHeader('x-tyk-cache-action-set', '1');
      res.setHeader('x-ttl', '0');
      res.end('marked, ttl 0');
    });
    answers.set('/marked-ttl', (_req, res) => {
      res.setHeader('x-tyk-cache-action-set', '1');
      res.setHeader('x-ttl', '30');
      res.end('marked');
    });
    try {
      await gw.get('/c/plain');
      expect((await gw.get('/c/plain')).cached).toBeNull();
      await gw.get('/c/marked');
      expect((await gw.get('/c/marked')).cached).toBeNull();
      await gw.get('/c/marked-ttl');
      expect((await gw.get('/c/marked-ttl')).cached).toBe('1');
    } finally {
      await gw.close();
    }
  });

  it('a body beyond CACHE_MAX_ENTRY_BYTES is relayed whole and not stored', async () => {
    const gw = await gateway([api(all)], 100);
    answers.set('/big', (_req, res) => res.end('x'.repeat(500)));
    try {
      expect((await gw.get('/c/big')).text).toHaveLength(500);
      const again = await gw.get('/c/big');
      expect(again.cached).toBeNull();
      expect(again.text).toHaveLength(500);
    } finally {
      await gw.close();
    }
  });

  it("keys on the caller's identity: one caller's answer is never another's", () => {
    const { config } = build([api(all, { use_keyless: false })]);
    const identity = (id: string) => ({ id }) as Identity;
    const request = (id: string) => {
      const { ctx, written } = contextFor(config, '/c/mine');
      ctx.api = config.apis.get('c')!;
      ctx.identity = identity(id);
      return { ctx, written, result: cache.handle(ctx) };
    };
    const alice = request('alice');
    expect(alice.result.kind).toBe('continue');
    alice.ctx.cacheFill!.onHead(200, ['content-type', 'text/plain']);
    alice.ctx.cacheFill!.onData(Buffer.from("alice's data"));
    alice.ctx.cacheFill!.onComplete();
    expect(request('bob').result.kind).toBe('continue');
    const again = request('alice').result;
    expect(again).toMatchObject({ kind: 'respond', status: 200, body: Buffer.from("alice's data") });
    // Cache-Control: private is for one user: kept in that user's own entry.
    const carol = request('carol');
    carol.ctx.cacheFill!.onHead(200, ['Cache-Control', 'private']);
    carol.ctx.cacheFill!.onData(Buffer.from("carol's data"));
    carol.ctx.cacheFill!.onComplete();
    expect(request('carol').result).toMatchObject({ kind: 'respond', body: Buffer.from("carol's data") });
  });

  it('a request without an identity to a keyed API (an ignored path) is keyed by its client address', () => {
    const { config } = build([api(all, { use_keyless: false })]);
    const request = (address: string) => {
      const { ctx } = contextFor(config, '/c/public');
      ctx.api = config.apis.get('c')!;
      (ctx.req.socket as { remoteAddress: string }).remoteAddress = address;
      return { ctx, result: cache.handle(ctx) };
    };
    const first = request('10.0.0.1');
    first.ctx.cacheFill!.onHead(200, []);
    first.ctx.cacheFill!.onData(Buffer.from('for 10.0.0.1'));
    first.ctx.cacheFill!.onComplete();
    expect(request('10.0.0.2').result.kind).toBe('continue');
    expect(request('10.0.0.1').result).toMatchObject({ kind: 'respond', body: Buffer.from('for 10.0.0.1') });
  });
});
