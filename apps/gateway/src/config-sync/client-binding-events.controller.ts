import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/**
 * Client binding events from the registry (developer-portal apps holding an external provider's
 * client); no queue group: every gateway must see every change, in the shared revision order.
 */
@Controller()
export class ClientBindingEventsController {
  private readonly logger = new Logger('ClientBindingEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryClientBindingChanged)
  onClientBindingChanged(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.registryClientBindingChanged, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
