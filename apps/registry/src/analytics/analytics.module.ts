import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { AnalyticsController } from './analytics.controller.js';
import { AnalyticsIngest } from './analytics-ingest.js';
import { AnalyticsRetention } from './analytics-retention.js';
import { DebugSessionsController } from './debug-sessions.controller.js';
import { DebugSessionsService } from './debug-sessions.service.js';
import { UsageService } from './usage.service.js';

/** Analytics: batches in (JetStream or in-process), usage reports out, retention, debug sessions. */
@Module({
  controllers: [AnalyticsController, DebugSessionsController],
  providers: [AnalyticsIngest, AnalyticsRetention, UsageService, DebugSessionsService, AdminGuard],
  exports: [UsageService],
})
export class AnalyticsModule {}
