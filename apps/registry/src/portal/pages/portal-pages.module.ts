import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module.js';
import { CatalogueModule } from '../catalogue/catalogue.module.js';
import { DevelopersModule } from '../developers/developers.module.js';
import { PortalPagesController } from './portal-pages.controller.js';
import { PortalSessions } from './portal-sessions.js';
import { PortalVisitors } from './portal-visitors.js';

/** The developer portal's pages under /portal (see usePortalHttp for what runs before them). */
@Module({
  imports: [CatalogueModule, DevelopersModule, AppsModule],
  controllers: [PortalPagesController],
  providers: [PortalSessions, PortalVisitors],
})
export class PortalPagesModule {}
