import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { PoliciesController } from './policies.controller.js';
import { PoliciesMessages } from './policies.messages.js';
import { PoliciesService } from './policies.service.js';

@Module({
  controllers: [PoliciesController, PoliciesMessages],
  providers: [PoliciesService, AdminGuard],
  exports: [PoliciesService],
})
export class PoliciesModule {}
