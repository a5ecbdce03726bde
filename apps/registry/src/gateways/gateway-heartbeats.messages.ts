import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload, warnOnce } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { GatewayFleet } from './gateway-fleet.js';

/**
 * Every gateway's heartbeat. No queue group, unlike the registry's requests: each replica keeps its
 * own view of the fleet, so each must hear every heartbeat (a queued handler would hear a share).
 */
@Controller()
export class GatewayHeartbeatsMessages {
  // Warned of once, not per heartbeat: a gateway sending malformed ones sends one every second.
  private readonly logger = warnOnce(new Logger('GatewayFleet'));

  constructor(private readonly fleet: GatewayFleet) {}

  @EventPattern(subjects.gatewayHeartbeat)
  onHeartbeat(@Payload() payload: unknown): void {
    const heartbeat = eventPayload(subjects.gatewayHeartbeat, payload, this.logger);
    if (heartbeat) this.fleet.record(heartbeat);
  }
}
