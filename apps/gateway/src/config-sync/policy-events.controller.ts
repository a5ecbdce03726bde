import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/** Policy change events from the registry; no queue group: every gateway must see every change. */
@Controller()
export class PolicyEventsController {
  private readonly logger = new Logger('PolicyEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryPolicyChanged)
  onPolicyChanged(@Payload() payload: unknown): void {
    // Bus input is input too: a malformed event is logged and dropped, never applied.
    const event = eventPayload(subjects.registryPolicyChanged, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
