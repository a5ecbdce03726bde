import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { ConfigSyncService } from '../config-sync/config-sync.service.js';
import { ConfigurationStore } from '../data-plane/configuration-store.js';
import { GatewayMetrics } from '../data-plane/metrics.js';

/** Liveness, readiness and metrics, served by Nest beside (not on) the data plane's hot path. */
@Controller()
export class HealthController {
  constructor(
    private readonly store: ConfigurationStore,
    private readonly sync: ConfigSyncService,
    private readonly metrics: GatewayMetrics,
  ) {}

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready when it has a configuration to serve and the bus to keep it current; 503 says what is missing. */
  @Get('ready')
  ready(@Res() res: Response): void {
    const missing: string[] = [];
    if (!this.store.loaded) missing.push('configuration');
    if (!this.sync.connected) missing.push('bus');
    if (missing.length === 0) {
      res.status(200).json({ status: 'ready', revision: this.store.current.revision });
    } else {
      res.status(503).json({ status: 'not_ready', missing });
    }
  }

  @Get('metrics')
  async prometheus(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    res.status(200).type(contentType).send(body);
  }
}
