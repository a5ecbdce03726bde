import { Module, type DynamicModule } from '@nestjs/common';
import { Bus, BUS_TRANSPORT } from './bus.js';
import type { BusTransport } from './transport.js';

@Module({})
export class BusModule {
  static forRoot(transport: BusTransport): DynamicModule {
    return {
      module: BusModule,
      global: true,
      providers: [{ provide: BUS_TRANSPORT, useValue: transport }, Bus],
      exports: [Bus, BUS_TRANSPORT],
    };
  }
}
