import { Logger, Module } from '@nestjs/common';
import { GatewayFleet } from './gateway-fleet.js';
import { GatewayHeartbeatsMessages } from './gateway-heartbeats.messages.js';
import { GatewaysController } from './gateways.controller.js';

/** The live gateways and their upstream targets' health; exports GatewayFleet for the operator console. */
@Module({
  controllers: [GatewaysController, GatewayHeartbeatsMessages],
  providers: [
    {
      provide: GatewayFleet,
      useFactory: () => {
        const logger = new Logger('GatewayFleet');
        return new GatewayFleet({
          onFull: (max) => logger.warn(`more than ${max} live gateways: the least recently heard are forgotten (GET /admin/gateways lists ${max})`),
        });
      },
    },
  ],
  exports: [GatewayFleet],
})
export class GatewaysModule {}
