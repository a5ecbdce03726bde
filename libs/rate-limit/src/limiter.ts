import type { RateLimitResult } from './result.js';
import type { RateRule } from './rule.js';

/**
 * What the gateway's rate-limit step calls. `identity` is the caller's stable id (never a
 * credential); `api` scopes the limit to one API ('' for a limit across all of the key's APIs).
 * A limiter that can decide at once returns `out` itself (no promise, no allocation); one that must
 * ask elsewhere (Redis) returns a promise of `out`. Neither ever rejects.
 */
export interface RateLimiter {
  check(identity: string, api: string, rule: RateRule, out: RateLimitResult): RateLimitResult | Promise<RateLimitResult>;
  close(): Promise<void>;
}

/** The slice of a pino logger the limiters use (pino's `Logger` fits). */
export interface LimiterLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export const silentLog: LimiterLog = { warn() {}, info() {} };
