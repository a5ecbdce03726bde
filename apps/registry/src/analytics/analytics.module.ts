import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsIngest } from './analytics-ingest.js';
import { UsageService } from './usage.service.js';

/** Analytics: batches in (JetStream or in-process), usage reports out. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsIngest, UsageService, AdminGuard],
})
export class AnalyticsModule {}
