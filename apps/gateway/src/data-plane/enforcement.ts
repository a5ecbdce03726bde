import type { AnalyticsRecord } from '@portcullis/contracts';
import type { QuotaSpender, RateLimiter } from '@portcullis/rate-limit';

/**
 * What the enforcement steps need from the limiters and the analytics recorder, as the data plane
 * sees them. The gateway module wires `@portcullis/rate-limit` and `@portcullis/analytics` in behind
 * these. A decision comes back synchronously when it can be made locally (the common case), as a
 * promise when it needs a round trip (Redis, a quota lease).
 */

export interface AnalyticsSinkPort {
  /** O(1), never awaited, never throws: the hot path hands the record over and moves on. `keepLog`: keep it as a request log too. */
  record(record: AnalyticsRecord, keepLog: boolean): void;
}

/** The enforcement services one gateway shares among its compiled APIs. */
export interface Enforcement {
  readonly rateLimiter: RateLimiter;
  /** The limiter never answers with a promise (local, NATS-shared): one result object serves every check. */
  readonly rateLimiterDecidesAtOnce: boolean;
  readonly quota: QuotaSpender;
  /** Null when analytics are off. */
  readonly analytics: AnalyticsSinkPort | null;
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}
