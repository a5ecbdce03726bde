import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { UsageService } from '../../analytics/usage.service.js';
import { ApisService } from '../../apis/apis.service.js';
import { renderTrafficCharts } from '../charts/traffic-charts.js';
import { ConsoleOperators } from '../session/console-operators.js';
import { filterNames, parseTrafficQuery, trafficRanges } from '../traffic/traffic-filters.js';
import { ConsolePageFilter } from './console-page.filter.js';
import { sendConsolePage } from './console-page-kit.js';

/** Traffic over time, as charts: everything, or one API, key or OAuth client. */
@ApiExcludeController()
@Controller('console/traffic')
@UseFilters(ConsolePageFilter)
export class TrafficPagesController {
  constructor(
    private readonly operators: ConsoleOperators,
    private readonly usage: UsageService,
    private readonly apis: ApisService,
  ) {}

  @Get()
  async traffic(@Req() req: Request, @Res() res: Response): Promise<void> {
    const visit = await this.operators.requireOperator(req, res);
    const { form, query, errors } = parseTrafficQuery(req.query as Record<string, unknown>);
    const apis = (await this.apis.list()).map((api) => ({ id: api.api_id, name: api.name ? `${api.name} (${api.api_id})` : api.api_id }));
    // An API that does not exist has no traffic to show: said as such, not as an empty chart.
    if (query?.apiId !== undefined && !apis.some((api) => api.id === query.apiId)) {
      throw new PortcullisError('not_found', `No API has the id ${query.apiId}.`);
    }
    const page = { title: 'Traffic', nav: 'traffic' as const, form, ranges: trafficRanges, apis, filters: filterNames(form) };
    if (!query) {
      return sendConsolePage(res.status(400), visit, 'traffic', { ...page, error: 'These filters cannot be shown.', details: errors });
    }
    const report = await this.usage.usage(query);
    const totals = { requests: 0, clientErrors: 0, serverErrors: 0 };
    for (const bucket of report.buckets) {
      totals.requests += bucket.total;
      totals.clientErrors += bucket.status['4xx'];
      totals.serverErrors += bucket.status['5xx'];
    }
    sendConsolePage(res, visit, 'traffic', { ...page, report, totals, charts: renderTrafficCharts(report) });
  }
}
