import { Module, type DynamicModule } from '@nestjs/common';
import { storageModule } from '@portcullis/database';
import type { DataSource } from 'typeorm';
import { AnalyticsStore } from './analytics-store.js';
import { ApiStore } from './api-store.js';
import { CertificateStore } from './certificate-store.js';
import { DatabaseHealth } from './database-health.js';
import { DebugSessionStore } from './debug-session-store.js';
import { PolicyStore } from './policy-store.js';
import { Transactions } from './transactions.js';

/** Every store of the registry core. */
const stores = [ApiStore, PolicyStore, CertificateStore, AnalyticsStore, DebugSessionStore, Transactions, DatabaseHealth];

/**
 * The registry core's lowest layer: given the DataSource (the portal's storage is the only other
 * module that is), it exports the stores the rest of the registry reaches PostgreSQL through
 * (global: most features need one or two).
 */
@Module({})
export class StorageModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return storageModule(StorageModule, dataSource, stores);
  }
}
