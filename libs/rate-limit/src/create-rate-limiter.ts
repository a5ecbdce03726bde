import type { LimiterLog } from './limiter.js';
import { RedisLimiter } from './redis-limiter.js';
import type { Clock } from './result.js';
import { SharedOverNatsLimiter, type SharedOverNatsOptions } from './shared-over-nats-limiter.js';

export interface RateLimiterChoice {
  /** `REDIS_URL` from the gateway's config; absent or empty: share over NATS. */
  redisUrl?: string;
  gatewayId: string;
  publish: SharedOverNatsOptions['publish'];
  clock?: Clock;
  log?: LimiterLog;
}

/**
 * Which limiter a gateway uses: Redis when `REDIS_URL` is set (exact across the fleet), with the
 * NATS-shared limiter as its fallback during a Redis outage; otherwise the NATS-shared limiter
 * alone. Either way `shared` must receive the `gateway.heartbeat` events and is already
 * announcing this gateway.
 */
export function createRateLimiter(choice: RateLimiterChoice): { limiter: RedisLimiter | SharedOverNatsLimiter; shared: SharedOverNatsLimiter } {
  const shared = new SharedOverNatsLimiter({ gatewayId: choice.gatewayId, publish: choice.publish, clock: choice.clock, log: choice.log });
  shared.start();
  if (!choice.redisUrl) return { limiter: shared, shared };
  return { limiter: new RedisLimiter({ url: choice.redisUrl, fallback: shared, log: choice.log }), shared };
}
