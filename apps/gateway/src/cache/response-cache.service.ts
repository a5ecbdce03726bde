import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { GatewayConfig } from '../config.js';
import { MemoryResponseCache, RedisResponseCache, type ResponseCache } from '../data-plane/cache/response-cache.js';
import { GATEWAY_CONFIG } from '../tokens.js';

/**
 * The gateway's response cache (Tyk's cache_options), made once at start: in Redis when REDIS_URL is
 * set, so every gateway on it shares the answers and one purge empties it for all; otherwise in this
 * gateway's memory, bounded by CACHE_MAX_BYTES, and a purge is broadcast on gateway.cache.purge so
 * every gateway drops the API's answers.
 */
@Injectable()
export class ResponseCacheService implements OnApplicationShutdown {
  readonly store: ResponseCache;
  readonly maxEntryBytes: number;
  private readonly logger = new Logger('ResponseCache');

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly bus: Bus,
  ) {
    const { redisUrl, maxBytes, maxEntryBytes } = config.cache;
    this.maxEntryBytes = maxEntryBytes;
    // Keys carry the subject prefix: deployments (and test runs) sharing one Redis keep apart.
    this.store =
      redisUrl === null
        ? new MemoryResponseCache(maxBytes)
        : new RedisResponseCache(redisUrl, `portcullis:cache:${config.nats.subjectPrefix}:`, { warn: (message) => this.logger.warn(message) });
    this.logger.log(`response cache ${redisUrl === null ? `in memory (at most ${maxBytes} bytes)` : 'in Redis'}`);
  }

  /** Tyk's DELETE /tyk/cache/{api_id}: every gateway loses the API's cached answers. */
  async purge(apiId: string): Promise<void> {
    // Here at once (the caller's next request must miss), then on every other gateway over NATS.
    await this.store.purge(apiId);
    if (!this.store.shared) await this.bus.publish(subjects.gatewayCachePurge, { api_id: apiId });
  }

  /** A purge broadcast by a gateway that keeps its cache in memory. */
  onPurge(apiId: string): void {
    // The broadcast has no one to answer; the in-memory purge resolves at once and never rejects.
    if (!this.store.shared) void this.store.purge(apiId);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
