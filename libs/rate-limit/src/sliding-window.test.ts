import { describe, expect, it } from 'vitest';
import { createResult, createState } from './result.js';
import { compileRule } from './rule.js';
import { slidingWindow } from './sliding-window.js';

const rule = compileRule(10, 60, { algorithm: 'sliding-window' });

function spend(times: number, at: number, state: ReturnType<typeof createState>) {
  const out = createResult();
  let allowed = 0;
  for (let i = 0; i < times; i++) {
    slidingWindow.check(state, rule, at, out);
    if (out.allowed) allowed++;
  }
  return { allowed, out };
}

describe('sliding-window counter', () => {
  it('allows the limit within a window and then refuses, with the wait until the window ends', () => {
    const state = createState();
    const first = spend(1, 60_000, state);
    expect(first.out).toEqual({ allowed: true, limit: 10, remaining: 9, resetMs: 60_000, retryAfterMs: 0 });
    expect(spend(20, 70_000, state).allowed).toBe(9);
    const out = createResult();
    slidingWindow.check(state, rule, 70_000, out);
    // 10 in this window: wait for it to end (50 s), then until 10·(W−x)/W ≤ 9 (x = 6 s).
    expect(out).toMatchObject({ allowed: false, remaining: 0, resetMs: 50_000, retryAfterMs: 56_000 });
  });

  it("weights the previous window's count by its remaining overlap", () => {
    const state = createState();
    spend(10, 60_000, state);
    // Halfway into the next window the previous 10 weigh 5: five more are allowed.
    expect(spend(10, 150_000, state).allowed).toBe(5);
    // A quarter before its end the previous 10 weigh 2.5; with 5 here 2 more fit (7.5 + 1 ≤ 10).
    expect(spend(10, 165_000, state).allowed).toBe(2);
  });

  it('forgets counts after a long idle', () => {
    const state = createState();
    spend(10, 60_000, state);
    expect(slidingWindow.idleAt(state, rule)).toBe(180_000);
    expect(spend(20, 600_000, state).allowed).toBe(10);
  });

  it('counts no less when the clock goes backwards', () => {
    const state = createState();
    spend(10, 120_000, state);
    expect(spend(5, 30_000, state).allowed).toBe(0);
    expect(spend(5, 119_999, state).allowed).toBe(0);
  });
});
