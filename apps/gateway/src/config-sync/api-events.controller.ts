import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/** Change events from the registry. No queue group: every gateway must see every change. */
@Controller()
export class ApiEventsController {
  private readonly logger = new Logger('ApiEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryApiChanged)
  onApiChanged(@Payload() payload: unknown): void {
    // Bus input is input too: a malformed event is logged and dropped, never applied.
    const event = eventPayload(subjects.registryApiChanged, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
