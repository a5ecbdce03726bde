import { Module } from '@nestjs/common';
import { AdminGuard } from '../../http/admin.guard.js';
import { PoliciesModule } from '../../policies/policies.module.js';
import { ApiStore } from '../../storage/api-store.js';
import { PortalProvidersModule } from '../providers/providers.module.js';
import { CatalogueController } from './catalogue.controller.js';
import { CatalogueService } from './catalogue.service.js';

@Module({
  imports: [PoliciesModule, PortalProvidersModule],
  controllers: [CatalogueController],
  // ApiStore holds no state: a reader of its own here rather than a reach into the APIs module.
  providers: [CatalogueService, ApiStore, AdminGuard],
  exports: [CatalogueService, ApiStore, PoliciesModule],
})
export class CatalogueModule {}
