/**
 * The outcome of one check. Callers keep one per request context (or per connection) and pass it
 * in; the limiters write into it, so a check allocates nothing.
 */
export interface RateLimitResult {
  allowed: boolean;
  /** The limit the decision was made against (a gateway's share, under NATS sharing). */
  limit: number;
  /** Further requests that would be allowed right now. */
  remaining: number;
  /** Milliseconds until the limiter is back to its full allowance (nothing spent). */
  resetMs: number;
  /** On refusal, milliseconds until a request would be allowed; 0 when allowed. */
  retryAfterMs: number;
}

export function createResult(): RateLimitResult {
  return { allowed: true, limit: 0, remaining: 0, resetMs: 0, retryAfterMs: 0 };
}

/**
 * The limiter state of one identity+API. One fixed shape for every algorithm (so property access
 * stays monomorphic); each algorithm documents what its three numbers mean.
 */
export interface LimitState {
  a: number;
  b: number;
  c: number;
  /** Set by the limiter after each check: from then on the state may be dropped (see `Algorithm.idleAt`). */
  idleAt: number;
}

export function createState(): LimitState {
  return { a: 0, b: 0, c: 0, idleAt: 0 };
}

export type Clock = () => number;
