import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { checkPayload, eventSchemas, subjects } from '@portcullis/contracts';
import { GatewayFleet } from './gateway-fleet.js';

/**
 * Every gateway's heartbeat. No queue group, unlike the registry's requests: each replica keeps its
 * own view of the fleet, so each must hear every heartbeat (a queued handler would hear a share).
 */
@Controller()
export class GatewayHeartbeatsMessages {
  private readonly logger = new Logger('GatewayFleet');
  private warned = false;

  constructor(private readonly fleet: GatewayFleet) {}

  @EventPattern(subjects.gatewayHeartbeat)
  onHeartbeat(@Payload() payload: unknown): void {
    // Warned of once, not per heartbeat: a gateway sending malformed ones sends one every second.
    const heartbeat = checkPayload(eventSchemas[subjects.gatewayHeartbeat], payload);
    if (!heartbeat.ok) {
      if (!this.warned) this.logger.warn(`ignored a malformed gateway.heartbeat event (${heartbeat.problems.map((problem) => problem.field).join(', ')})`);
      this.warned = true;
      return;
    }
    this.fleet.record(heartbeat.value);
  }
}
