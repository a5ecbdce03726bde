import { Module } from '@nestjs/common';
import { AppsModule } from './apps/apps.module.js';
import { CatalogueModule } from './catalogue/catalogue.module.js';
import { DevelopersModule } from './developers/developers.module.js';
import { PortalPagesModule } from './pages/portal-pages.module.js';

/**
 * The developer portal: the catalogue, developers and their apps (portal core), DCR providers and
 * client bindings, and the pages. Each part is its own module; this one only gathers them.
 */
@Module({
  imports: [CatalogueModule, DevelopersModule, AppsModule, PortalPagesModule],
  exports: [CatalogueModule, DevelopersModule, AppsModule],
})
export class PortalModule {}
