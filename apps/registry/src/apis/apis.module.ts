import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { ApisController } from './apis.controller.js';
import { ApisMessages } from './apis.messages.js';
import { ApisService } from './apis.service.js';

@Module({
  controllers: [ApisController, ApisMessages],
  providers: [ApisService, AdminGuard],
})
export class ApisModule {}
