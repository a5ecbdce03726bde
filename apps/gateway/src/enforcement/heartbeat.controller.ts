import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload, warnOnce } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { EnforcementService } from './enforcement.service.js';

/** Other gateways announcing themselves. No queue: every gateway must hear every heartbeat. */
@Controller()
export class HeartbeatController {
  // Bus input is input: a malformed heartbeat would otherwise count as a peer forever. Warned of
  // once, not per heartbeat: a peer sending them keeps sending them every few seconds.
  private readonly logger = warnOnce(new Logger('Heartbeat'));

  constructor(private readonly enforcement: EnforcementService) {}

  @EventPattern(subjects.gatewayHeartbeat)
  onHeartbeat(@Payload() payload: unknown): void {
    const heartbeat = eventPayload(subjects.gatewayHeartbeat, payload, this.logger);
    if (heartbeat) this.enforcement.onHeartbeat(heartbeat);
  }
}
