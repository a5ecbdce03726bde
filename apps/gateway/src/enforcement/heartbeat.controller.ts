import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type GatewayHeartbeat } from '@portcullis/contracts';
import { EnforcementService } from './enforcement.service.js';

/** Other gateways announcing themselves. No queue: every gateway must hear every heartbeat. */
@Controller()
export class HeartbeatController {
  private readonly logger = new Logger('Heartbeat');
  private warned = false;

  constructor(private readonly enforcement: EnforcementService) {}

  @EventPattern(subjects.gatewayHeartbeat)
  onHeartbeat(@Payload() heartbeat: GatewayHeartbeat): void {
    // Bus input is input: a malformed heartbeat would otherwise count as a peer forever.
    if (heartbeat === null || typeof heartbeat !== 'object' || typeof heartbeat.gateway_id !== 'string' || heartbeat.gateway_id === '') {
      if (!this.warned) this.logger.warn('ignored a malformed gateway.heartbeat event');
      this.warned = true;
      return;
    }
    this.enforcement.onHeartbeat(heartbeat);
  }
}
