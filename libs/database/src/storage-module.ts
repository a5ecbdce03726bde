import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * The dynamic module of a service's storage layer: the only module given the DataSource, it exports
 * the stores the rest of the service reaches PostgreSQL through. Global, because most features need
 * one or two stores; the DataSource itself is not exported, so nothing above storage can query around
 * the stores.
 */
export function storageModule(module: Type, dataSource: DataSource, stores: Provider[]): DynamicModule {
  return {
    module,
    global: true,
    providers: [{ provide: DataSource, useValue: dataSource }, ...stores],
    exports: stores,
  };
}
