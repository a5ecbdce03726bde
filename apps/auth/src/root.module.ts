import { Global, Module, type DynamicModule } from '@nestjs/common';
import { BusModule, type BusTransport } from '@portcullis/bus';
import { DataSource } from 'typeorm';
import type { AuthConfig } from './config.js';
import { HealthModule } from './health/health.module.js';
import { PingModule } from './ping/ping.module.js';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

export interface RootModuleOptions {
  config: AuthConfig;
  transport: BusTransport;
  /** Opened (and migrated) before Nest starts: a service that cannot migrate must not start. */
  dataSource: DataSource;
}

/** The auth service's composition root: its settings and database for every module, and the bus. */
@Global()
@Module({})
export class RootModule {
  static forRoot(options: RootModuleOptions): DynamicModule {
    return {
      module: RootModule,
      imports: [BusModule.forRoot(options.transport), HealthModule, PingModule],
      providers: [
        { provide: AUTH_CONFIG, useValue: options.config },
        { provide: DataSource, useValue: options.dataSource },
      ],
      exports: [AUTH_CONFIG, DataSource],
    };
  }
}
