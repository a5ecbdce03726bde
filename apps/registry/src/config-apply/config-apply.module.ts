import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { SecretSealer } from '../portal/providers/sealed-secrets.js';
import { ConfigApplyController } from './config-apply.controller.js';
import { ConfigApplyService } from './config-apply.service.js';

@Module({
  controllers: [ConfigApplyController],
  providers: [ConfigApplyService, SecretSealer, AdminGuard],
})
export class ConfigApplyModule {}
