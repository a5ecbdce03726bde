import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { UpstreamPools } from '../data-plane/upstream-pools.js';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * Portcullis's own (Tyk has no such call): the health of every load-balanced target as this gateway
 * sees it. The gateway holds the state (each replica checks for itself), so it is asked here, not
 * at the registry.
 */
@Controller('tyk/upstreams')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class UpstreamHealthController {
  constructor(private readonly pools: UpstreamPools) {}

  @Get('health')
  health(): { targets: { origin: string; healthy: boolean }[] } {
    return { targets: this.pools.targetHealth };
  }
}
