import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module.js';
import { ApisModule } from '../apis/apis.module.js';
import { GatewaysModule } from '../gateways/gateways.module.js';
import { PoliciesModule } from '../policies/policies.module.js';
import { CatalogueModule } from '../portal/catalogue/catalogue.module.js';
import { PortalProvidersModule } from '../portal/providers/providers.module.js';
import { ItemPanels } from './pages/item-panels.js';
import { OidcSignInPagesController } from './pages/oidc-sign-in-pages.controller.js';
import { OverviewPagesController } from './pages/overview-pages.controller.js';
import { ResourcePagesController } from './pages/resource-pages.controller.js';
import { SignInPagesController } from './pages/sign-in-pages.controller.js';
import { TrafficPagesController } from './pages/traffic-pages.controller.js';
import { ConsoleResources } from './resources/console-resources.js';
import { ConsoleOidcSignIns } from './session/console-oidc-sign-ins.js';
import { ConsoleOperators } from './session/console-operators.js';
import { ConsoleSessions } from './session/console-sessions.js';

/**
 * The operator console's pages under /console (see useConsoleHttp for what runs before them). The
 * resource pages come last: their `/console/:kind` would otherwise answer for every other page.
 */
@Module({
  imports: [AnalyticsModule, ApisModule, GatewaysModule, PoliciesModule, CatalogueModule, PortalProvidersModule],
  controllers: [SignInPagesController, OidcSignInPagesController, OverviewPagesController, TrafficPagesController, ResourcePagesController],
  providers: [ConsoleSessions, ConsoleOperators, ConsoleOidcSignIns, ConsoleResources, ItemPanels],
})
export class ConsoleModule {}
