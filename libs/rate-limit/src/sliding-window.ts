import type { Algorithm } from './algorithm.js';
import type { RateRule } from './rule.js';
import type { LimitState, RateLimitResult } from './result.js';

/**
 * The sliding-window counter (as Cloudflare describes it): two fixed windows, the previous one's
 * count weighted by how much of it still overlaps the sliding window. State: `a` = start of the
 * current fixed window, `b` = requests allowed in it, `c` = requests allowed in the previous one.
 *
 * The guarantee is approximate: it assumes the previous window's requests were spread evenly, so a
 * client that spent its whole limit at the end of one window can get up to ~2× the limit across the
 * boundary in the worst case, and fewer than the limit when it spent it early. Cheap, smooth, no
 * burst allowance beyond the limit; use GCRA where the bound must be exact.
 *
 * Clock going backwards: a `now` before the current window's start is treated as its start (the
 * previous window then weighs in full), which only ever counts more, never less.
 */
function check(state: LimitState, rule: RateRule, now: number, out: RateLimitResult): void {
  const window = rule.windowMs;
  const limit = rule.limit;
  let start = state.a;
  if (now >= start + window) {
    const current = now - (now % window);
    state.c = current - start === window ? state.b : 0;
    state.b = 0;
    state.a = start = current;
  }
  const elapsed = now > start ? now - start : 0;
  const previous = state.c;
  const used = (previous * (window - elapsed)) / window + state.b;
  out.limit = limit;
  // Reset: when the current fixed window ends (its count then starts to weigh less).
  out.resetMs = window - elapsed;
  if (used + 1 > limit) {
    out.allowed = false;
    out.remaining = 0;
    out.retryAfterMs = retryAfter(previous, state.b, limit, window, elapsed);
    return;
  }
  state.b++;
  out.allowed = true;
  out.remaining = Math.floor(limit - used - 1);
  out.retryAfterMs = 0;
}

/** When the weighted count will have fallen far enough for one more request. */
function retryAfter(previous: number, current: number, limit: number, window: number, elapsed: number): number {
  const room = limit - 1 - current;
  if (room >= 0 && previous > 0) {
    // previous·(W − x)/W + current ≤ limit − 1  ⇔  x ≥ W·(1 − room/previous)
    return Math.max(1, Math.ceil(window * (1 - room / previous) - elapsed));
  }
  // This window alone is full: wait for it to end, then for its count to weigh little enough.
  const untilNext = window - elapsed;
  return Math.max(1, Math.ceil(untilNext + window * Math.max(0, 1 - (limit - 1) / current)));
}

export const slidingWindow: Algorithm = {
  name: 'sliding-window',
  check,
  // Two whole windows after the current one started, neither counter weighs anything any more.
  idleAt: (state, rule) => state.a + 2 * rule.windowMs,
};
