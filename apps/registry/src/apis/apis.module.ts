import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { ApisController } from './apis.controller.js';
import { ApisMessages } from './apis.messages.js';
import { ApisService } from './apis.service.js';
import { SnapshotPager } from './snapshot-pager.js';

@Module({
  controllers: [ApisController, ApisMessages],
  providers: [ApisService, SnapshotPager, AdminGuard],
  exports: [ApisService],
})
export class ApisModule {}
