import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BusModule, type BusTransport } from '@portcullis/bus';
import type { DataSource } from 'typeorm';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { ApisModule } from './apis/apis.module.js';
import { CertificatesModule } from './certificates/certificates.module.js';
import type { RegistryConfig } from './config.js';
import { ConsoleModule } from './console/console.module.js';
import { ConsoleStorageModule } from './console/storage/console-storage.module.js';
import { ConfigApplyModule } from './config-apply/config-apply.module.js';
import { GatewaysModule } from './gateways/gateways.module.js';
import { HealthModule } from './health/health.module.js';
import { ImportModule } from './import/import.module.js';
import { OAuthAdminModule } from './oauth/oauth-admin.module.js';
import { PoliciesModule } from './policies/policies.module.js';
import { PortalModule } from './portal/portal.module.js';
import { PortalStorageModule } from './portal/storage/portal-storage.module.js';
import { ReferencesModule } from './references/references.module.js';
import { REGISTRY_CONFIG } from './registry-config.token.js';
import { StorageModule } from './storage/storage.module.js';

export interface RootModuleOptions {
  config: RegistryConfig;
  transport: BusTransport;
  /** Opened (and migrated) before Nest starts: a service that cannot migrate must not start. */
  dataSource: DataSource;
}

/** The registry's composition root: its settings for every module, its storage (core and portal), and the bus. */
@Global()
@Module({})
export class RootModule {
  static forRoot(options: RootModuleOptions): DynamicModule {
    return {
      module: RootModule,
      imports: [
        BusModule.forRoot(options.transport),
        StorageModule.forRoot(options.dataSource),
        PortalStorageModule.forRoot(options.dataSource),
        ConsoleStorageModule.forRoot(options.dataSource),
        ApisModule,
        PoliciesModule,
        ImportModule,
        ConfigApplyModule,
        OAuthAdminModule,
        AnalyticsModule,
        HealthModule,
        PortalModule,
        ReferencesModule,
        CertificatesModule,
        GatewaysModule,
        ConsoleModule,
      ],
      providers: [{ provide: REGISTRY_CONFIG, useValue: options.config }],
      exports: [REGISTRY_CONFIG],
    };
  }
}
