import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { checkPayload, eventSchemas, subjects } from '@portcullis/contracts';
import { EnforcementService } from './enforcement.service.js';

/** Other gateways announcing themselves. No queue: every gateway must hear every heartbeat. */
@Controller()
export class HeartbeatController {
  private readonly logger = new Logger('Heartbeat');
  private warned = false;

  constructor(private readonly enforcement: EnforcementService) {}

  @EventPattern(subjects.gatewayHeartbeat)
  onHeartbeat(@Payload() payload: unknown): void {
    // Bus input is input: a malformed heartbeat would otherwise count as a peer forever. Warned of
    // once, not per heartbeat: a peer sending them keeps sending them every few seconds.
    const heartbeat = checkPayload(eventSchemas[subjects.gatewayHeartbeat], payload);
    if (!heartbeat.ok) {
      if (!this.warned) this.logger.warn(`ignored a malformed gateway.heartbeat event (${heartbeat.problems.map((problem) => problem.field).join(', ')})`);
      this.warned = true;
      return;
    }
    this.enforcement.onHeartbeat(heartbeat.value);
  }
}
