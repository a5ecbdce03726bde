import { describe, expect, it } from 'vitest';
import type { Dispatcher } from 'undici';
import { TargetBalancer, type UpstreamTarget } from './balancer.js';
import { DEFAULT_PASSIVE_CHECKS, TargetHealth } from './target-health.js';

const { failures: PASSIVE_FAILURES, windowMs: PASSIVE_WINDOW_MS, downMs: PASSIVE_DOWN_MS } = DEFAULT_PASSIVE_CHECKS;

function target(origin: string, health = new TargetHealth(origin, () => undefined)): UpstreamTarget {
  return { origin, poolKey: origin, pool: {} as Dispatcher, rewrite: { targetPath: '', stripLength: 0 }, health };
}

describe('TargetBalancer', () => {
  it('takes turns in list order, a target listed twice taking two turns (Tyk weighting)', () => {
    const a = target('http://a');
    const b = target('http://b');
    const balancer = new TargetBalancer([a, a, b]);
    expect(Array.from({ length: 6 }, () => balancer.next()!.origin)).toEqual(['http://a', 'http://a', 'http://b', 'http://a', 'http://a', 'http://b']);
  });

  it('skips targets taken out and answers null when every one is out', () => {
    const a = target('http://a');
    const b = target('http://b');
    const balancer = new TargetBalancer([a, b]);
    a.health.recordCheck(false, 'down');
    expect([balancer.next()!.origin, balancer.next()!.origin]).toEqual(['http://b', 'http://b']);
    b.health.recordCheck(false, 'down');
    expect(balancer.next()).toBeNull();
    a.health.recordCheck(true, 'up');
    expect(balancer.next()!.origin).toBe('http://a');
  });

  it('offers a retry another origin, never the one that failed', () => {
    const a = target('http://a');
    const b = target('http://b');
    const balancer = new TargetBalancer([a, a, b]);
    expect(balancer.other(a)!.origin).toBe('http://b');
    expect(new TargetBalancer([a, a]).other(a)).toBeNull();
  });
});

describe('TargetHealth (passive checks)', () => {
  it(`takes a target out after ${PASSIVE_FAILURES} failures within the window, back after the down time or a passing check`, () => {
    let now = 1_000_000;
    const changes: string[] = [];
    const health = new TargetHealth(
      'http://a',
      (origin, healthy) => changes.push(`${origin} ${healthy}`),
      () => now,
    );
    for (let i = 1; i < PASSIVE_FAILURES; i++) health.recordFailure();
    expect(health.healthy).toBe(true);
    health.recordFailure();
    expect(health.healthy).toBe(false);
    now += PASSIVE_DOWN_MS;
    expect(health.healthy).toBe(true);
    for (let i = 0; i < PASSIVE_FAILURES; i++) health.recordFailure();
    expect(health.healthy).toBe(false);
    health.recordCheck(true, 'answers again');
    expect(health.healthy).toBe(true);
    expect(changes).toEqual(['http://a false', 'http://a true', 'http://a false', 'http://a true']);
  });

  it('forgets failures older than the window', () => {
    let now = 1_000_000;
    const health = new TargetHealth(
      'http://a',
      () => undefined,
      () => now,
    );
    for (let i = 1; i < PASSIVE_FAILURES; i++) health.recordFailure();
    now += PASSIVE_WINDOW_MS + 1;
    health.recordFailure();
    expect(health.healthy).toBe(true);
  });

  it('takes its thresholds from the settings (UPSTREAM_PASSIVE_*): 2 failures in 1 s, out for 5 s', () => {
    let now = 1_000_000;
    const health = new TargetHealth(
      'http://a',
      () => undefined,
      () => now,
      { failures: 2, windowMs: 1_000, downMs: 5_000 },
    );
    health.recordFailure();
    now += 1_001;
    health.recordFailure();
    expect(health.healthy).toBe(true);
    health.recordFailure();
    expect(health.healthy).toBe(false);
    now += 4_999;
    expect(health.healthy).toBe(false);
    now += 1;
    expect(health.healthy).toBe(true);
  });
});
