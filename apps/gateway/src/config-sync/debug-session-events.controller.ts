import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/** Debug sessions started or cancelled by an admin; no queue group: every gateway must see every change. */
@Controller()
export class DebugSessionEventsController {
  private readonly logger = new Logger('DebugSessionEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryDebugSessionChanged)
  onDebugSessionChanged(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.registryDebugSessionChanged, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
