import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/** An import's changes under one revision; no queue group: every gateway must see every change. */
@Controller()
export class ConfigBatchEventsController {
  private readonly logger = new Logger('ConfigBatchEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryConfigBatch)
  onConfigBatch(@Payload() payload: unknown): void {
    // Bus input is input too: a malformed batch is logged and dropped whole, never half applied
    // (the revision gap it leaves makes the gateway fetch a snapshot).
    const event = eventPayload(subjects.registryConfigBatch, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
