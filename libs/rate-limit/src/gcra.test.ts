import { describe, expect, it } from 'vitest';
import { gcra } from './gcra.js';
import { createResult, createState } from './result.js';
import { compileRule } from './rule.js';

// 100 a minute: one request earned back every 600 ms, 100 at once.
const rule = compileRule(100, 60);

function run(times: number, at: number, state = createState()) {
  const out = createResult();
  let allowed = 0;
  for (let i = 0; i < times; i++) {
    gcra.check(state, rule, at, out);
    if (out.allowed) allowed++;
  }
  return { allowed, out, state };
}

describe('GCRA', () => {
  it('allows the whole limit at once, counting remaining down, then refuses', () => {
    const state = createState();
    const out = createResult();
    gcra.check(state, rule, 1_000, out);
    expect(out).toEqual({ allowed: true, limit: 100, remaining: 99, resetMs: 600, retryAfterMs: 0 });
    const rest = run(99, 1_000, state);
    expect(rest.allowed).toBe(99);
    expect(rest.out.remaining).toBe(0);
    expect(rest.out.resetMs).toBe(60_000);
    gcra.check(state, rule, 1_000, out);
    expect(out).toEqual({ allowed: false, limit: 100, remaining: 0, resetMs: 60_000, retryAfterMs: 600 });
  });

  it('earns exactly one request back at the interval boundary, not a millisecond before', () => {
    const { state } = run(100, 0);
    const out = createResult();
    gcra.check(state, rule, 599, out);
    expect(out.allowed).toBe(false);
    expect(out.retryAfterMs).toBe(1);
    gcra.check(state, rule, 600, out);
    expect(out).toMatchObject({ allowed: true, remaining: 0 });
    gcra.check(state, rule, 600, out);
    expect(out.allowed).toBe(false);
  });

  it('bounds any interval t by burst + floor(t / interval)', () => {
    const state = createState();
    const out = createResult();
    let allowed = 0;
    // A client hammering every 10 ms for 30 s.
    for (let now = 0; now <= 30_000; now += 10) {
      gcra.check(state, rule, now, out);
      if (out.allowed) allowed++;
    }
    expect(allowed).toBe(100 + Math.floor(30_000 / 600));
  });

  it('after a long idle has the full burst again, never more', () => {
    const { state } = run(100, 0);
    expect(run(150, 10 * 60_000, state).allowed).toBe(100);
    expect(gcra.idleAt(state, rule)).toBe(10 * 60_000 + 60_000);
  });

  it('lets nothing extra through when the clock goes backwards, and recovers within one refill', () => {
    const { state } = run(100, 1_000_000);
    // The clock jumps back an hour.
    expect(run(10, 1_000_000 - 3_600_000, state).allowed).toBe(0);
    const back = 1_000_000 - 3_600_000;
    // Treated as an empty bucket at the new time: one back after an interval, all after a window.
    expect(run(1, back + 600, state).allowed).toBe(1);
    expect(run(200, back + 600 + 60_000, state).allowed).toBe(100);
  });

  it('refuses a partly refilled bucket with the wait until the next request', () => {
    const { state } = run(100, 0);
    const out = createResult();
    gcra.check(state, rule, 1_500, out); // 2 earned back by 1200 ms: allowed, 1 left
    expect(out).toMatchObject({ allowed: true, remaining: 1 });
    gcra.check(state, rule, 1_500, out);
    gcra.check(state, rule, 1_500, out);
    expect(out).toMatchObject({ allowed: false, retryAfterMs: 300 });
  });
});

describe('compileRule', () => {
  it('precomputes the IETF policy and a fractional rate', () => {
    expect(compileRule(100, 60).policyHeader).toBe('"default";q=100;w=60');
    const slow = compileRule(0.5, 1, { policyName: 'slow"one' });
    expect(slow).toMatchObject({ limit: 1, windowMs: 2_000, intervalMs: 2_000, policyHeader: '"slowone";q=1;w=2' });
  });

  it('refuses a rule that cannot limit', () => {
    expect(() => compileRule(0, 60)).toThrow(RangeError);
    expect(() => compileRule(10, -1)).toThrow(RangeError);
    expect(() => compileRule(Number.NaN, 1)).toThrow(RangeError);
  });
});

describe('GCRA with an interval that is not exact in floating point', () => {
  it.each([34, 7, 3, 49])('allows exactly %i of %i a minute at once, then one per interval', (limit) => {
    const odd = compileRule(limit, 60);
    const state = createState();
    const out = createResult();
    let allowed = 0;
    for (let i = 0; i < limit * 2; i++) {
      gcra.check(state, odd, 0, out);
      if (out.allowed) allowed++;
    }
    expect(allowed).toBe(limit);
    gcra.check(state, odd, odd.intervalMs, out);
    expect(out).toMatchObject({ allowed: true, remaining: 0 });
  });
});
