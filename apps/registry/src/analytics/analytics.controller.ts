import { applyDecorators, Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { AdminGuard } from '../http/admin.guard.js';
import { errorBodyRef } from '../openapi.js';
import { usageQueryDocs, usageReportSchema } from './usage-openapi.js';
import { parseUsageQuery } from './usage-query.js';
import { parseRequestLogQuery } from './request-log-query.js';
import { requestLogQueryDocs, requestLogsSchema } from './request-log-openapi.js';
import type { RequestLogRow } from '../storage/analytics-store.js';
import { UsageService, type UsageReport } from './usage.service.js';

const queryDocs = applyDecorators(...usageQueryDocs.map((doc) => ApiQuery({ required: false, ...doc })));
const logQueryDocs = applyDecorators(...requestLogQueryDocs.map((doc) => ApiQuery({ required: false, ...doc })));

/** Usage reports over the analytics records the gateways publish. */
@ApiTags('analytics')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@ApiResponse({ status: 401, description: 'The admin secret is missing or wrong', schema: errorBodyRef })
@Controller('admin/analytics')
export class AnalyticsController {
  constructor(private readonly usage: UsageService) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Requests per time bucket: counts per status class, p50/p95/p99 latency (total and upstream) and bytes, optionally filtered and grouped',
  })
  @queryDocs
  @ApiResponse({ status: 200, schema: usageReportSchema })
  @ApiResponse({ status: 400, description: 'A bad parameter, named in details (also: range too long for the bucket)', schema: errorBodyRef })
  report(@Query() query: Record<string, unknown>): Promise<UsageReport> {
    const parsed = parseUsageQuery(query);
    if (!parsed.ok) throw new PortcullisError('validation_failed', 'The query parameters are not valid', parsed.errors);
    return this.usage.usage(parsed.value);
  }

  @Get('request-logs')
  @ApiOperation({
    summary:
      'Request logs (one per request, kept where an API asks, or for a caller under a debug session), newest first, optionally filtered by API, identity or OAuth client',
  })
  @logQueryDocs
  @ApiResponse({ status: 200, schema: requestLogsSchema })
  @ApiResponse({ status: 400, description: 'A bad parameter, named in details', schema: errorBodyRef })
  async requestLogs(@Query() query: Record<string, unknown>): Promise<{ logs: RequestLogRow[] }> {
    const parsed = parseRequestLogQuery(query);
    if (!parsed.ok) throw new PortcullisError('validation_failed', 'The query parameters are not valid', parsed.errors);
    return { logs: await this.usage.requestLogs(parsed.value) };
  }
}
