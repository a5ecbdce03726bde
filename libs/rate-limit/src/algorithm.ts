import type { AlgorithmName, RateRule } from './rule.js';
import type { LimitState, RateLimitResult } from './result.js';

/**
 * One rate-limit algorithm (STYLE habit 8: strategies as uniform modules, dispatch by `Map.get`).
 * `check` decides one request at `now` (ms, from the injected clock), updates `state` when the
 * request is allowed, and writes the outcome into `out`. It must never let more through when the
 * clock goes backwards.
 */
export type CheckFn = (state: LimitState, rule: RateRule, now: number, out: RateLimitResult) => void;

export interface Algorithm {
  readonly name: AlgorithmName;
  readonly check: CheckFn;
  /** From this time on the state means the same as a fresh one, so it may be forgotten. */
  idleAt(state: LimitState, rule: RateRule): number;
}
