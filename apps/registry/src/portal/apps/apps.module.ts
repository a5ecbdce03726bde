import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { PortalProvidersModule } from '../providers/providers.module.js';
import { ApiKeyCredentials } from './api-key-credentials.js';
import { AppsService } from './apps.service.js';
import { ExternalDcrCredentials } from './external-dcr-credentials.js';
import { OAuthClientCredentials } from './oauth-client-credentials.js';

@Module({
  imports: [CatalogueModule, PortalProvidersModule],
  providers: [AppsService, ApiKeyCredentials, OAuthClientCredentials, ExternalDcrCredentials],
  exports: [AppsService],
})
export class AppsModule {}
