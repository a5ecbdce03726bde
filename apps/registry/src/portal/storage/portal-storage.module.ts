import { Module, type DynamicModule } from '@nestjs/common';
import { storageModule } from '@portcullis/database';
import type { DataSource } from 'typeorm';
import { CatalogueStore } from './catalogue-store.js';
import { DeveloperStore } from './developer-store.js';
import { LoginThrottle } from './login-throttle.js';
import { OidcSignInStore } from './oidc-sign-in-store.js';
import { PortalAppStore } from './portal-app-store.js';
import { PortalSessionStore } from './portal-session-store.js';
import { ExternalRegistrationStore, ProviderStore } from './provider-store.js';

/** Every store of the portal's tables (the login throttle is one too). */
const stores = [CatalogueStore, DeveloperStore, PortalAppStore, PortalSessionStore, ProviderStore, ExternalRegistrationStore, LoginThrottle, OidcSignInStore];

/**
 * The portal's storage: given the DataSource for its own tables only. The portal reaches the
 * registry core's (APIs, policies, client bindings) through the core's stores and services, and
 * spans both in one transaction with the core's Transactions.
 */
@Module({})
export class PortalStorageModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return storageModule(PortalStorageModule, dataSource, stores);
  }
}
