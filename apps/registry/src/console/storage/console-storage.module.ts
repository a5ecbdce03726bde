import { Module, type DynamicModule } from '@nestjs/common';
import { storageModule } from '@portcullis/database';
import type { DataSource } from 'typeorm';
import { ConsoleSessionStore } from './console-session-store.js';
import { ConsoleSignInThrottle } from './console-sign-in-throttle.js';

/** The operator console's storage: its sessions and its sign-in throttle, on their own tables. */
@Module({})
export class ConsoleStorageModule {
  static forRoot(dataSource: DataSource): DynamicModule {
    return storageModule(ConsoleStorageModule, dataSource, [ConsoleSessionStore, ConsoleSignInThrottle]);
  }
}
