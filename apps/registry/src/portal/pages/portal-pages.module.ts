import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DevelopersModule } from '../developers/developers.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { AccountPagesController } from './account-pages.controller.js';
import { AppPagesController } from './app-pages.controller.js';
import { CataloguePagesController } from './catalogue-pages.controller.js';
import { OidcPagesController } from './oidc-pages.controller.js';
import { PortalSessions } from './portal-sessions.js';
import { PortalVisitors } from './portal-visitors.js';

/** The developer portal's pages under /portal (see usePortalHttp for what runs before them). */
@Module({
  imports: [CatalogueModule, DevelopersModule, AppsModule, OidcModule],
  controllers: [CataloguePagesController, AccountPagesController, AppPagesController, OidcPagesController],
  providers: [PortalSessions, PortalVisitors],
})
export class PortalPagesModule {}
