import type { Algorithm } from './algorithm.js';
import type { RateRule } from './rule.js';
import type { LimitState, RateLimitResult } from './result.js';

/**
 * GCRA (the generic cell rate algorithm, ITU-T I.371; a token bucket expressed as one timestamp).
 * State: `a` = TAT, the theoretical arrival time of the next request if the client kept exactly to
 * its rate. With emission interval T = window / limit and burst B = limit, a request at `now` is
 * allowed iff  now >= max(TAT, now) + T - B·T,  and then TAT becomes max(TAT, now) + T.
 *
 * The guarantee (exact, with O(1) state and no approximation): over any interval of length t, at
 * most  B + floor(t / T)  requests are allowed — a client may spend its whole limit at once, then
 * earns one request back every T. So "100 per minute" allows 100 at once and one every 600 ms
 * after that; it is not "at most 100 in every 60 s window" (that needs a sliding log, O(limit)
 * memory per key), it is at most 100 + t/600ms in any t.
 *
 * Clock going backwards: a TAT further ahead than an empty bucket can be (now + B·T) is pulled back
 * to it, so a backwards step costs the client at most one refill and never lets more through.
 */
/**
 * Intervals like 60 000 / 34 ms are not exact in binary floating point, and a TAT reached by adding
 * one up 34 times can differ from 34 × interval in the last bit: a nanosecond of slack keeps the
 * boundary exact in the sense that matters (the 34th request of 34 is allowed).
 */
const SLACK_MS = 1e-6;

function check(state: LimitState, rule: RateRule, now: number, out: RateLimitResult): void {
  const interval = rule.intervalMs;
  const tolerance = rule.burst * interval;
  let tat = state.a;
  if (tat > now + tolerance) tat = state.a = now + tolerance;
  const base = tat > now ? tat : now;
  const next = base + interval;
  const allowAt = next - tolerance;
  out.limit = rule.limit;
  if (now + SLACK_MS < allowAt) {
    out.allowed = false;
    out.remaining = 0;
    out.resetMs = base - now;
    out.retryAfterMs = allowAt - now;
    return;
  }
  state.a = next;
  out.allowed = true;
  out.remaining = Math.max(0, Math.floor((now - allowAt + SLACK_MS) / interval));
  out.resetMs = next - now;
  out.retryAfterMs = 0;
}

export const gcra: Algorithm = {
  name: 'gcra',
  check,
  // Once the clock passes TAT the bucket is full again: the same as no state at all.
  idleAt: (state) => state.a,
};
