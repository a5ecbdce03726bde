import type { RateLimitResult } from './result.js';
import type { RateRule } from './rule.js';

/**
 * Response headers for a rate-limit decision and, kept apart, for a quota (Tyk mixed the two under
 * X-RateLimit-*; its issue #8192 asks for the IETF fields). Values are appended to a flat
 * `[name, value, ...]` array, the raw form `res.writeHead(status, raw)` takes: measured in
 * bench.mjs, that is cheaper than `res.setHeader` per field (no per-call name validation and
 * lower-casing into the headers map).
 *
 * The IETF fields follow draft-ietf-httpapi-ratelimit-headers-11 (the current draft; -10 has the
 * same syntax): `RateLimit-Policy: "default";q=100;w=60` (§3) and `RateLimit: "default";r=99;t=60`
 * (§4). Earlier drafts used RateLimit-Limit/-Remaining/-Reset, and -07 `limit=, remaining=, reset=`.
 * All times are delta-seconds, rounded up, never epoch timestamps: no clock sync is needed (§4.1.2).
 */
export const headerNames = {
  limit: 'X-RateLimit-Limit',
  remaining: 'X-RateLimit-Remaining',
  reset: 'X-RateLimit-Reset',
  policy: 'RateLimit-Policy',
  rateLimit: 'RateLimit',
  retryAfter: 'Retry-After',
  quotaLimit: 'X-Quota-Limit',
  quotaRemaining: 'X-Quota-Remaining',
  quotaReset: 'X-Quota-Reset',
} as const;

function seconds(ms: number): number {
  return ms > 0 ? Math.ceil(ms / 1000) : 0;
}

/**
 * Appends the rate-limit fields for `result` (decided against `rule`, or a gateway's share of it).
 * `X-RateLimit-Limit` and `RateLimit-Policy` state the client's whole limit, not a gateway's share.
 * X-RateLimit-Reset: seconds until the full allowance is back. RateLimit `t`: on refusal the wait
 * (equal to Retry-After, which §6 says must not be earlier than it), otherwise the reset.
 */
export function appendRateLimitHeaders(raw: string[], result: RateLimitResult, rule: RateRule): string[] {
  const reset = seconds(result.resetMs);
  const t = result.allowed ? reset : seconds(result.retryAfterMs);
  raw.push(
    headerNames.limit,
    String(rule.limit),
    headerNames.remaining,
    String(result.remaining),
    headerNames.reset,
    String(reset),
    headerNames.policy,
    rule.policyHeader,
    headerNames.rateLimit,
    `${rule.serviceLimitPrefix}${result.remaining};t=${t}`,
  );
  if (!result.allowed) raw.push(headerNames.retryAfter, String(Math.max(1, t)));
  return raw;
}

/** What a quota check decided; `QuotaSpender` fills one. */
export interface QuotaResult {
  allowed: boolean;
  /** quota_max; -1 when the identity has no quota. */
  limit: number;
  remaining: number;
  /** Milliseconds until the quota renews. */
  resetMs: number;
}

export function createQuotaResult(): QuotaResult {
  return { allowed: true, limit: -1, remaining: -1, resetMs: 0 };
}

/**
 * Appends the quota fields: X-Quota-Limit, X-Quota-Remaining, X-Quota-Reset (seconds until the
 * quota renews), and Retry-After when the quota is spent (Tyk answered 403; we answer 429, its
 * issue #8191). Nothing for an identity without a quota.
 */
export function appendQuotaHeaders(raw: string[], result: QuotaResult): string[] {
  if (result.limit < 0) return raw;
  const reset = seconds(result.resetMs);
  raw.push(headerNames.quotaLimit, String(result.limit), headerNames.quotaRemaining, String(result.remaining), headerNames.quotaReset, String(reset));
  if (!result.allowed) raw.push(headerNames.retryAfter, String(Math.max(1, reset)));
  return raw;
}
