import { Controller, Delete, Logger, Param, UseFilters, UseGuards } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type CachePurgeEvent } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { ResponseCacheService } from '../cache/response-cache.service.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/** An api_id as definitions allow it (api-definition.ts): no glob character can widen a purge to other APIs. */
const apiIdPattern = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/;

/** Tyk's cache invalidation: `DELETE /tyk/cache/{api_id}` drops the API's cached answers on every gateway. */
@Controller('tyk/cache')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykCacheController {
  constructor(private readonly cache: ResponseCacheService) {}

  @Delete(':apiId')
  async invalidate(@Param('apiId') apiId: string): Promise<{ status: 'ok'; message: string }> {
    if (!apiIdPattern.test(apiId))
      throw new PortcullisError('validation_failed', undefined, [{ field: 'api_id', message: 'must be 1-128 characters of letters, digits, . _ ~ -' }]);
    await this.cache.purge(apiId);
    // Tyk's answer (api.go invalidateCacheHandler): 200 whether or not anything was cached.
    return { status: 'ok', message: 'cache invalidated' };
  }
}

/** Purges broadcast by any gateway. No queue: every gateway must hear every purge. */
@Controller()
export class CachePurgeEventsController {
  private readonly logger = new Logger('ResponseCache');
  private warned = false;

  constructor(private readonly cache: ResponseCacheService) {}

  @EventPattern(subjects.gatewayCachePurge)
  onPurge(@Payload() event: CachePurgeEvent): void {
    if (event === null || typeof event !== 'object' || typeof event.api_id !== 'string' || !apiIdPattern.test(event.api_id)) {
      if (!this.warned) this.logger.warn('ignored a malformed gateway.cache.purge event');
      this.warned = true;
      return;
    }
    this.cache.onPurge(event.api_id);
  }
}
