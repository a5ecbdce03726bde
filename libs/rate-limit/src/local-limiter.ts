import { algorithms } from './algorithms.js';
import type { RateLimiter } from './limiter.js';
import { createState, type Clock, type LimitState, type RateLimitResult } from './result.js';
import type { RateRule } from './rule.js';

export interface LocalLimiterOptions {
  /** Milliseconds; `Date.now` unless a test injects its own. */
  clock?: Clock;
  /**
   * At most this many identity+API states are kept. At the bound, idle states are swept; if that
   * is not enough, the oldest are forgotten (their clients start afresh: lenient, never stricter).
   */
  maxKeys?: number;
  /** How often idle states are swept (ms); 0 turns the timer off (tests call `sweep()`). */
  sweepIntervalMs?: number;
}

/**
 * Limits kept in this process: exact for one gateway, and the fallback of the others. States live
 * in a Map per API keyed by identity, so a check builds no key string.
 */
export class LocalLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly maxKeys: number;
  private readonly byApi = new Map<string, Map<string, LimitState>>();
  private count = 0;
  private readonly timer: NodeJS.Timeout | null;

  constructor(options: LocalLimiterOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.maxKeys = options.maxKeys ?? 1_000_000;
    const every = options.sweepIntervalMs ?? 10_000;
    this.timer = every > 0 ? setInterval(() => this.sweep(), every).unref() : null;
  }

  /** How many identity+API states are held. */
  get size(): number {
    return this.count;
  }

  check(identity: string, api: string, rule: RateRule, out: RateLimitResult): RateLimitResult {
    let states = this.byApi.get(api);
    if (states === undefined) {
      states = new Map();
      this.byApi.set(api, states);
    }
    let state = states.get(identity);
    if (state === undefined) {
      if (this.count >= this.maxKeys) this.makeRoom();
      state = createState();
      states.set(identity, state);
      this.count++;
    }
    const algorithm = algorithms.get(rule.algorithm)!;
    algorithm.check(state, rule, this.clock(), out);
    state.idleAt = algorithm.idleAt(state, rule);
    return out;
  }

  /** Forgets every state that has gone back to a full allowance. Returns how many were dropped. */
  sweep(): number {
    const now = this.clock();
    let dropped = 0;
    for (const [api, states] of this.byApi) {
      for (const [identity, state] of states) {
        if (state.idleAt <= now) {
          states.delete(identity);
          dropped++;
        }
      }
      if (states.size === 0) this.byApi.delete(api);
    }
    this.count -= dropped;
    return dropped;
  }

  private makeRoom(): void {
    if (this.sweep() > 0) return;
    // Nothing idle: forget the oldest tenth (Map order is insertion order), so this O(n) pass is
    // paid once per maxKeys/10 new keys, not on every one.
    let toDrop = Math.max(1, Math.floor(this.maxKeys / 10));
    for (const [api, states] of this.byApi) {
      for (const identity of states.keys()) {
        states.delete(identity);
        this.count--;
        if (--toDrop === 0) break;
      }
      if (states.size === 0) this.byApi.delete(api);
      if (toDrop === 0) return;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
  }
}
