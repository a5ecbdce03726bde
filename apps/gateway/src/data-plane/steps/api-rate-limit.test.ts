import { describe, expect, it } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { identity, memoryEnforcement, rights } from '../../../test/fixtures/enforcement.js';
import { apiRateLimit } from './api-rate-limit.js';
import { match } from './match.js';

function setup() {
  let now = 1_700_000_000_000;
  const { enforcement } = memoryEnforcement({ now: () => now });
  const { config } = compiledConfiguration(
    [
      definition({
        api_id: 'g',
        use_keyless: false,
        global_rate_limit: { rate: 2, per: 60 },
        proxy: { listen_path: '/g', target_url: 'http://127.0.0.1:9' },
      } as never),
      definition({ api_id: 'open', global_rate_limit: { rate: 1, per: 60 }, proxy: { listen_path: '/open', target_url: 'http://127.0.0.1:9' } } as never),
      definition({
        api_id: 'off',
        global_rate_limit: { rate: 1, per: 60, disabled: true },
        proxy: { listen_path: '/off', target_url: 'http://127.0.0.1:9' },
      } as never),
    ],
    30,
    undefined,
    enforcement,
  );
  const run = (url: string, who = identity(rights({ access: { g: [] } }))) => {
    const { ctx } = contextFor(config, url);
    match.handle(ctx);
    ctx.identity = who;
    return apiRateLimit.handle(ctx);
  };
  return { config, run, advance: (ms: number) => void (now += ms) };
}

describe('api-rate-limit step (global_rate_limit)', () => {
  it('runs after the caller’s own limits, for keyless APIs too, and not when disabled or unset', () => {
    const { config } = setup();
    const names = config.apis.get('g')!.chain.map((s) => s.name);
    expect(names.slice(names.indexOf('rate-limit'))).toEqual(['rate-limit', 'quota', 'api-rate-limit', 'proxy', 'record']);
    expect(config.apis.get('open')!.chain.map((s) => s.name)).toEqual(['match', 'api-rate-limit', 'proxy', 'record']);
    expect(config.apis.get('off')!.chain.map((s) => s.name)).not.toContain('api-rate-limit');
  });

  it('counts every caller together and answers 429 "API Rate limit exceeded" with Retry-After', () => {
    const { run, advance } = setup();
    const one = identity(rights({ access: { g: [] } }), { id: '1'.repeat(64) });
    const two = identity(rights({ access: { g: [] } }), { id: '2'.repeat(64) });
    expect(run('/g/x', one).kind).toBe('continue');
    expect(run('/g/x', two).kind).toBe('continue');
    const refused = run('/g/x', one);
    if (refused.kind !== 'respond') throw new Error(`expected a 429, got ${refused.kind}`);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body.toString())).toEqual({ error: 'api_rate_limited', message: 'API Rate limit exceeded' });
    expect(Number(refused.headers[refused.headers.indexOf('Retry-After') + 1])).toBeGreaterThanOrEqual(1);
    // Another API's allowance is its own.
    expect(run('/open/x').kind).toBe('continue');
    advance(30_000);
    expect(run('/g/x', two).kind).toBe('continue');
  });
});
