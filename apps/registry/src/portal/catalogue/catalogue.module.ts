import { Module } from '@nestjs/common';
import { AdminGuard } from '../../http/admin.guard.js';
import { PoliciesModule } from '../../policies/policies.module.js';
import { PortalProvidersModule } from '../providers/providers.module.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueService } from './catalogue.service.js';

@Module({
  imports: [PoliciesModule, PortalProvidersModule],
  controllers: [CatalogueController],
  providers: [CatalogueService, AdminGuard],
  exports: [CatalogueService, PoliciesModule],
})
export class CatalogueModule {}
