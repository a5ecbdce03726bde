import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsIngest } from './analytics-ingest.js';
import { AnalyticsRetention } from './analytics-retention.js';
import { UsageService } from './usage.service.js';

/** Analytics: batches in (JetStream or in-process), usage reports out, retention. */
@Module({
  controllers: [AnalyticsController],
  providers: [AnalyticsIngest, AnalyticsRetention, UsageService, AdminGuard],
})
export class AnalyticsModule {}
