/**
 * A rate limit as the hot path uses it: compiled once when a session or policy is loaded (STYLE
 * habit 5), so a check does arithmetic and lookups only, and the header values that never change
 * (`RateLimit-Policy`) are strings built here, not per request.
 */
export type AlgorithmName = 'gcra' | 'sliding-window';

export interface RateRule {
  readonly algorithm: AlgorithmName;
  /** Requests allowed per window (Tyk's `rate`), at least 1. */
  readonly limit: number;
  /** The window (Tyk's `per`) in milliseconds. */
  readonly windowMs: number;
  /** GCRA's emission interval: one request is earned back every `intervalMs`. */
  readonly intervalMs: number;
  /** GCRA's burst (requests that may arrive at once): equal to `limit`, as Tyk's limiter allows. */
  readonly burst: number;
  /** `"name";q=<limit>;w=<seconds>` — draft-ietf-httpapi-ratelimit-headers-11 §3.1. */
  readonly policyHeader: string;
  /** `"name";r=` — the start of every `RateLimit` value for this rule. */
  readonly serviceLimitPrefix: string;
  /**
   * Rules derived for a limit shared among N gateways (index N), made on first use and kept, so
   * the NATS-shared limiter allocates nothing per request.
   */
  readonly shares: (RateRule | undefined)[];
}

export interface RuleOptions {
  algorithm?: AlgorithmName;
  /** The policy name in the IETF headers (an sf-string; quotes and backslashes are dropped). */
  policyName?: string;
}

/**
 * `rate` requests per `per` seconds (Tyk's fields). A fractional rate below 1 (one request every
 * few windows) becomes 1 request per `per / rate` seconds, which is what it means.
 */
export function compileRule(rate: number, per: number, options: RuleOptions = {}): RateRule {
  if (!(rate > 0) || !(per > 0) || !Number.isFinite(rate) || !Number.isFinite(per)) {
    throw new RangeError(`a rate limit needs rate > 0 and per > 0 (got rate=${rate}, per=${per})`);
  }
  const windowMs = rate >= 1 ? per * 1000 : (per * 1000) / rate;
  const limit = rate >= 1 ? Math.floor(rate) : 1;
  const name = (options.policyName ?? 'default').replace(/["\\]/g, '');
  // §3.1.3: w is a non-zero integer number of seconds; sub-second windows are not expressible.
  const w = Math.max(1, Math.round(windowMs / 1000));
  return {
    algorithm: options.algorithm ?? 'gcra',
    limit,
    windowMs,
    intervalMs: windowMs / limit,
    burst: limit,
    policyHeader: `"${name}";q=${limit};w=${w}`,
    serviceLimitPrefix: `"${name}";r=`,
    shares: [],
  };
}

/**
 * This rule's share when `peers` gateways split it (Tyk's distributed rate limiter): ceil(limit /
 * peers) per window on each. The headers keep advertising the whole policy, which is what the
 * client is entitled to across the fleet.
 */
export function shareOf(rule: RateRule, peers: number): RateRule {
  if (peers <= 1) return rule;
  let share = rule.shares[peers];
  if (share === undefined) {
    const limit = Math.ceil(rule.limit / peers);
    share = { ...rule, limit, intervalMs: rule.windowMs / limit, burst: limit, shares: [] };
    rule.shares[peers] = share;
  }
  return share;
}
