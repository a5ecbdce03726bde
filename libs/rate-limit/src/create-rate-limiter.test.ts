import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './create-rate-limiter.js';
import { RedisLimiter } from './redis-limiter.js';
import { SharedOverNatsLimiter } from './shared-over-nats-limiter.js';

describe('createRateLimiter', () => {
  it('shares the limit over NATS when no REDIS_URL is set, announcing this gateway at once', async () => {
    const sent: unknown[] = [];
    const { limiter, shared } = createRateLimiter({ gatewayId: 'gw1', publish: (_s, hb) => sent.push(hb), clock: () => 5 });
    expect(limiter).toBeInstanceOf(SharedOverNatsLimiter);
    expect(limiter).toBe(shared);
    expect(sent).toEqual([{ gateway_id: 'gw1', at: 5 }]);
    await limiter.close();
  });

  it('uses Redis when REDIS_URL is set, with the NATS-shared limiter still announcing', async () => {
    const sent: unknown[] = [];
    const { limiter, shared } = createRateLimiter({ redisUrl: 'redis://127.0.0.1:1', gatewayId: 'gw1', publish: (_s, hb) => sent.push(hb) });
    expect(limiter).toBeInstanceOf(RedisLimiter);
    expect(shared).toBeInstanceOf(SharedOverNatsLimiter);
    expect(sent).toHaveLength(1);
    await limiter.close();
  });
});
