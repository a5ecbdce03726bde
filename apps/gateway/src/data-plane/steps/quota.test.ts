import { describe, expect, it, vi } from 'vitest';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { identity, memoryEnforcement, rights } from '../../../test/fixtures/enforcement.js';
import { runChain } from '../chain.js';
import type { Identity } from '../identity.js';
import { CONTINUE } from '../step.js';
import { match } from './match.js';
import { quota } from './quota.js';

function headerMap(headers: readonly string[] | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (let i = 0; headers && i < headers.length; i += 2) map.set(headers[i]!.toLowerCase(), headers[i + 1]!);
  return map;
}

function setup() {
  let now = 1_700_000_000_000;
  const built = memoryEnforcement({ now: () => now });
  const { config } = compiledConfiguration(
    [definition({ api_id: 'a', use_keyless: false, proxy: { listen_path: '/a', target_url: 'http://127.0.0.1:9' } })],
    30,
    undefined,
    built.enforcement,
  );
  /** Runs the quota step as the chain does (waiting for a lease when it must) and reports the outcome. */
  const spend = async (who: Identity) => {
    const { ctx, written } = contextFor(config, '/a/x');
    match.handle(ctx);
    ctx.identity = who;
    let reached = false;
    ctx.chain = [quota, { name: 'probe', always: false, enabledFor: () => true, handle: () => ((reached = true), CONTINUE) }];
    runChain(ctx);
    await vi.waitFor(() => expect(reached || written.status !== undefined).toBe(true));
    return { allowed: reached, status: written.status, headers: headerMap(written.headers ?? ctx.extraHeaders), refusal: ctx.refusal, body: written.body };
  };
  return { ...built, spend, advance: (ms: number) => void (now += ms) };
}

describe('quota step', () => {
  it('does nothing for rights without a quota (-1): no lease, no headers', async () => {
    const { spend, leases } = setup();
    const outcome = await spend(identity(rights({ quotaMax: -1, access: { a: [] } })));
    expect(outcome.allowed).toBe(true);
    expect(outcome.headers.size).toBe(0);
    expect(leases).toHaveLength(0);
  });

  it('allows quota_max requests, counting down X-Quota-Remaining, then answers 429 quota_exceeded with Retry-After', async () => {
    const { spend, leases } = setup();
    const who = identity(rights({ quotaMax: 3, quotaRenewalRate: 3600, access: { a: [] } }));
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const outcome = await spend(who);
      expect(outcome.allowed).toBe(true);
      expect(outcome.headers.get('x-quota-limit')).toBe('3');
      expect(outcome.headers.has('x-ratelimit-limit')).toBe(false);
      remaining.push(outcome.headers.get('x-quota-remaining')!);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await spend(who);
    expect(refused.allowed).toBe(false);
    expect(refused.status).toBe(429);
    expect(refused.refusal).toBe('quota_exceeded');
    expect(JSON.parse(refused.body!.toString())).toEqual({ error: 'quota_exceeded', message: 'Quota exceeded' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);
    expect(Number(refused.headers.get('x-quota-reset'))).toBeGreaterThan(3500);
    expect(refused.headers.get('x-quota-remaining')).toBe('0');
    // Usage was leased from the ledger (the auth service), never more than the quota.
    expect(leases.every((l) => l.identity === who.id && l.quota_max === 3 && l.quota_renewal_rate === 3600)).toBe(true);
  });

  it('spends a per-API quota under the identity scoped to the API, apart from the key-wide one', async () => {
    const { spend, leases } = setup();
    const who = identity(
      rights({ quotaMax: 1000, quotaRenewalRate: 3600, access: { a: [] }, limits: { a: { rate: 0, per: 0, quotaMax: 1, quotaRenewalRate: 60 } } }),
    );
    expect((await spend(who)).allowed).toBe(true);
    const refused = await spend(who);
    expect(refused).toMatchObject({ allowed: false, status: 429, refusal: 'quota_exceeded' });
    expect(leases.every((l) => l.identity === `${who.id}:a` && l.quota_max === 1)).toBe(true);
  });

  it('renews once the renewal period is over', async () => {
    const { spend, advance } = setup();
    const who = identity(rights({ quotaMax: 1, quotaRenewalRate: 10, access: { a: [] } }));
    expect((await spend(who)).allowed).toBe(true);
    expect((await spend(who)).allowed).toBe(false);
    advance(10_001);
    expect((await spend(who)).allowed).toBe(true);
  });
});
