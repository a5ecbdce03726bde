import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { UsageService } from '../../analytics/usage.service.js';
import { ApisService } from '../../apis/apis.service.js';
import { GatewayFleet } from '../../gateways/gateway-fleet.js';
import { ConsoleOperators } from '../session/console-operators.js';
import { lastDay } from '../traffic/traffic-filters.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { consoleNotice, sendConsolePage } from './console-page-kit.js';

/** The console's first page: each API's last day, the live gateways, the upstream targets' health. */
@ApiExcludeController()
@Controller('console')
@UseFilters(ConsolePageFilter)
export class OverviewPagesController {
  constructor(
    private readonly operators: ConsoleOperators,
    private readonly apis: ApisService,
    private readonly usage: UsageService,
    private readonly fleet: GatewayFleet,
  ) {}

  @Get()
  async overview(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const now = new Date();
    const [apis, report] = await Promise.all([
      this.apis.list(),
      // One bucket per API: the whole day in one "day" bucket may straddle two, so hours, summed here.
      this.usage.usage({ ...lastDay(now), groupBy: 'api' }),
    ]);
    const perApi = new Map<string, { requests: number; clientErrors: number; serverErrors: number; p99: number | null }>();
    for (const bucket of report.buckets) {
      const id = bucket.group ?? '';
      const row = perApi.get(id) ?? { requests: 0, clientErrors: 0, serverErrors: 0, p99: null };
      row.requests += bucket.total;
      row.clientErrors += bucket.status['4xx'];
      row.serverErrors += bucket.status['5xx'];
      // Percentiles of different hours do not add up; the worst hour's p99 is what an operator looks for.
      row.p99 = Math.max(row.p99 ?? 0, bucket.latency_ms.p99);
      perApi.set(id, row);
    }
    sendConsolePage(res, visit, 'overview', {
      title: 'Overview',
      nav: 'overview',
      notice: consoleNotice(req.query['done']),
      apis: apis
        .map((api) => ({
          id: api.api_id,
          name: api.name || api.api_id,
          ...(perApi.get(api.api_id) ?? { requests: 0, clientErrors: 0, serverErrors: 0, p99: null }),
        }))
        .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name)),
      gateways: this.fleet.gateways(),
      targets: this.fleet.targets(),
    });
  }
}
