import { describe, expect, it, vi } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { identity, memoryEnforcement, rights } from '../../../test/fixtures/enforcement.js';
import type { Identity } from '../identity.js';
import { runChain } from '../chain.js';
import { CONTINUE } from '../step.js';
import { match } from './match.js';
import { rateLimit } from './rate-limit.js';

function setup(options: { redisLike?: boolean } = {}) {
  let now = 1_700_000_000_000;
  const { enforcement } = memoryEnforcement({ now: () => now, ...options });
  const { config } = compiledConfiguration(
    [
      definition({ api_id: 'open', use_keyless: true, proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } }),
      definition({ api_id: 'a', use_keyless: false, proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } }),
      definition({ api_id: 'b', use_keyless: false, proxy: { listen_path: '/b', target_url: 'http://127.0.0.1:9' } }),
    ],
    30,
    undefined,
    enforcement,
  );
  const run = (who: Identity, url = '/a/x') => {
    const { ctx } = contextFor(config, url);
    match.handle(ctx);
    ctx.identity = who;
    return { ctx, result: rateLimit.handle(ctx) };
  };
  return { config, run, advance: (ms: number) => void (now += ms) };
}

function headerMap(headers: readonly string[] | null): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; headers !== null && i < headers.length; i += 2) map.set(headers[i]!.toLowerCase(), headers[i + 1]!);
  return map;
}

describe('rate-limit step', () => {
  it('is in the chains that authenticate, after authorise and before quota; never in keyless ones', () => {
    const { config } = setup();
    expect(config.apis.get('open')!.chain).not.toContain(rateLimit);
    const names = config.apis.get('a')!.chain.map((s) => s.name);
    expect(names.slice(names.indexOf('authenticate'))).toEqual(['authenticate', 'authorise', 'rate-limit', 'quota', 'proxy', 'record']);
  });

  it('lets everything through without a rate, adding no headers', () => {
    const { run } = setup();
    const { ctx, result } = run(identity(rights({ rate: 0, access: { a: [] } })));
    expect(result.kind).toBe('continue');
    expect(ctx.extraHeaders).toBeNull();
  });

  it('allows exactly `rate` per `per`, then answers 429 with Retry-After and every limit header', () => {
    const { run } = setup();
    const who = identity(rights({ rate: 3, per: 60, access: { a: [] } }));
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { ctx, result } = run(who);
      expect(result.kind).toBe('continue');
      const headers = headerMap(ctx.extraHeaders);
      expect(headers.get('x-ratelimit-limit')).toBe('3');
      expect(headers.get('ratelimit-policy')).toBe('"default";q=3;w=60');
      remaining.push(headers.get('x-ratelimit-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const { ctx, result } = run(who);
    if (result.kind !== 'respond') throw new Error(`expected a 429, got ${result.kind}`);
    expect(result.status).toBe(429);
    expect(JSON.parse(result.body.toString())).toEqual({ error: 'rate_limited', message: 'Rate limit exceeded' });
    const headers = headerMap(result.headers);
    expect(headers.get('content-type')).toContain('application/json');
    expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(headers.get('retry-after'))).toBeLessThanOrEqual(20);
    expect(headers.get('x-ratelimit-remaining')).toBe('0');
    expect(headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);
    expect(ctx.refusal).toBe('rate_limited');
  });

  it('earns requests back over time (GCRA: one every per/rate seconds)', () => {
    const { run, advance } = setup();
    const who = identity(rights({ rate: 2, per: 10, access: { a: [] } }));
    run(who);
    run(who);
    expect(run(who).result.kind).toBe('respond');
    advance(5_000);
    expect(run(who).result.kind).toBe('continue');
    expect(run(who).result.kind).toBe('respond');
  });

  it("counts a key's requests across all its APIs, as Tyk does, and keys apart", () => {
    const { run } = setup();
    const who = identity(rights({ rate: 2, per: 60, access: { a: [], b: [] } }));
    expect(run(who, '/a/1').result.kind).toBe('continue');
    expect(run(who, '/b/1').result.kind).toBe('continue');
    expect(run(who, '/b/2').result.kind).toBe('respond');
    const other = identity(who.rights, { id: 'b'.repeat(64) });
    expect(run(other, '/a/1').result.kind).toBe('continue');
  });

  it("holds an API with a per-API limit to it, with counters of its own; the key's other APIs keep the key-wide limit", () => {
    const { run } = setup();
    const who = identity(rights({ rate: 100, per: 60, access: { a: [], b: [] }, limits: { a: { rate: 1, per: 60, quotaMax: -1, quotaRenewalRate: -1 } } }));
    expect(run(who, '/a/1').result.kind).toBe('continue');
    const refused = run(who, '/a/2');
    expect(refused.result.kind).toBe('respond');
    expect(headerMap(refused.result.kind === 'respond' ? refused.result.headers : null).get('x-ratelimit-limit')).toBe('1');
    for (let i = 0; i < 5; i++) expect(run(who, `/b/${i}`).result.kind).toBe('continue');
  });

  it('waits for a limiter that answers later (Redis) and resumes the chain with its decision', async () => {
    const { config } = setup({ redisLike: true });
    const who = identity(rights({ rate: 1, per: 60, access: { a: [] } }));
    const outcome = async () => {
      const { ctx, written } = contextFor(config, '/a/x');
      match.handle(ctx);
      ctx.identity = who;
      // Just this step, then a probe that sees whether the chain went on.
      let reached = false;
      ctx.chain = [rateLimit, { name: 'probe', always: false, enabledFor: () => true, handle: () => ((reached = true), CONTINUE) }];
      runChain(ctx);
      const pendingAtFirst = ctx.index === 0 && !reached && written.status === undefined;
      await vi.waitFor(() => expect(reached || written.status !== undefined).toBe(true));
      return { pendingAtFirst, reached, status: written.status, headers: headerMap(written.headers ?? ctx.extraHeaders), refusal: ctx.refusal };
    };
    const first = await outcome();
    expect(first).toMatchObject({ pendingAtFirst: true, reached: true, status: undefined, refusal: null });
    expect(first.headers.get('x-ratelimit-remaining')).toBe('0');
    const second = await outcome();
    expect(second).toMatchObject({ pendingAtFirst: true, reached: false, status: 429, refusal: 'rate_limited' });
    expect(second.headers.get('retry-after')).toBeDefined();
  });
});
