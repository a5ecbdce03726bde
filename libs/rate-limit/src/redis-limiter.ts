import { Redis } from 'ioredis';
import { silentLog, type LimiterLog, type RateLimiter } from './limiter.js';
import { LocalLimiter } from './local-limiter.js';
import { gcraScript, slidingWindowScript } from './redis-scripts.js';
import type { RateLimitResult } from './result.js';
import type { AlgorithmName, RateRule } from './rule.js';

/** A limiter that always decides at once: what the Redis limiter falls back on. */
export interface SyncRateLimiter extends RateLimiter {
  check(identity: string, api: string, rule: RateRule, out: RateLimitResult): RateLimitResult;
}

export interface RedisLimiterOptions {
  /** `REDIS_URL`, e.g. redis://127.0.0.1:6379/0. */
  url: string;
  /** Prefix of every key this limiter writes. */
  keyPrefix?: string;
  /** A check that Redis has not answered within this many ms uses the fallback (the hot path never hangs on Redis). */
  commandTimeoutMs?: number;
  /**
   * Decides while Redis is unreachable (fail open, but not unlimited). The NATS-shared limiter
   * keeps the fleet near the limit; a plain LocalLimiter lets each gateway allow the whole limit.
   */
  fallback?: SyncRateLimiter;
  log?: LimiterLog;
}

type Reply = [allowed: number, remaining: number, resetMs: number, retryAfterMs: number];
interface ScriptRunner {
  /**
   * Each algorithm keeps its own key space: a policy that changes algorithm must not meet the
   * other's state (Redis would answer WRONGTYPE, which would read as an outage).
   */
  keyPart: string;
  run(redis: Redis, key: string, rule: RateRule): Promise<Reply>;
}

interface LimiterCommands {
  portcullisGcra(key: string, intervalMs: number, burst: number): Promise<Reply>;
  portcullisSlidingWindow(key: string, windowMs: number, limit: number): Promise<Reply>;
}

// Dispatch by algorithm, as the local limiter does; each runs its script by EVALSHA (ioredis falls
// back to EVAL once when Redis answers NOSCRIPT, e.g. after a restart).
const runners = new Map<AlgorithmName, ScriptRunner>([
  ['gcra', { keyPart: '', run: (redis, key, rule) => (redis as unknown as LimiterCommands).portcullisGcra(key, rule.intervalMs, rule.burst) }],
  [
    'sliding-window',
    { keyPart: 'sw:', run: (redis, key, rule) => (redis as unknown as LimiterCommands).portcullisSlidingWindow(key, rule.windowMs, rule.limit) },
  ],
]);

/**
 * Limits held in Redis, shared by every gateway using it: exact across the fleet (one atomic
 * script per check, one clock — Redis's). On any Redis error the check is decided by the fallback
 * and the outage is logged once; a check never rejects and never throws.
 */
export class RedisLimiter implements RateLimiter {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly fallback: SyncRateLimiter;
  private readonly log: LimiterLog;
  private down = false;
  private connectedOnce = false;

  constructor(options: RedisLimiterOptions) {
    this.prefix = options.keyPrefix ?? 'portcullis:rl:';
    this.fallback = options.fallback ?? new LocalLimiter();
    this.log = options.log ?? silentLog;
    this.redis = new Redis(options.url, {
      // While disconnected, commands fail at once instead of queueing: the fallback decides.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 100,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    this.redis.defineCommand('portcullisGcra', { numberOfKeys: 1, lua: gcraScript });
    this.redis.defineCommand('portcullisSlidingWindow', { numberOfKeys: 1, lua: slidingWindowScript });
    this.redis.on('error', (error: unknown) => this.outage(error));
    this.redis.on('ready', () => {
      this.connectedOnce = true;
      this.recovered();
    });
  }

  /** True while the last thing Redis did was fail (checks are decided by the fallback). */
  get degraded(): boolean {
    return this.down;
  }

  check(identity: string, api: string, rule: RateRule, out: RateLimitResult): RateLimitResult | Promise<RateLimitResult> {
    if (this.redis.status !== 'ready') {
      // Still connecting at start is not an outage; a lost connection is (its 'error' may come later).
      if (this.connectedOnce) this.outage(null);
      return this.fallback.check(identity, api, rule, out);
    }
    const runner = runners.get(rule.algorithm)!;
    return runner.run(this.redis, `${this.prefix}${runner.keyPart}${api}:${identity}`, rule).then(
      (reply) => {
        if (this.down) this.recovered();
        out.allowed = reply[0] === 1;
        out.limit = rule.limit;
        out.remaining = reply[1];
        out.resetMs = reply[2];
        out.retryAfterMs = reply[3];
        return out;
      },
      (error: unknown) => {
        this.outage(error);
        return this.fallback.check(identity, api, rule, out);
      },
    );
  }

  /** Resolves once connected (or rejects after `timeoutMs`); checks work before it, on the fallback. */
  ready(timeoutMs = 5_000): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.redis.off('ready', onReady);
        reject(new Error(`Redis not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      this.redis.once('ready', onReady);
    });
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.fallback.close();
  }

  private outage(error: unknown): void {
    if (this.down) return;
    this.down = true;
    this.log.warn({ err: error ?? undefined }, 'rate limit: Redis unavailable; limiting locally (fail open) until it is back');
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info({}, 'rate limit: Redis is back; limits are shared again');
  }
}
