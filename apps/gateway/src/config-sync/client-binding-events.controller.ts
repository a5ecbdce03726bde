import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type ClientBindingChangedEvent } from '@portcullis/contracts';
import { isClientBinding } from '../data-plane/credentials/client-bindings.js';
import { ConfigSyncService } from './config-sync.service.js';

const changes = new Set(['created', 'updated', 'deleted']);

/**
 * Client binding events from the registry (developer-portal apps holding an external provider's
 * client); no queue group: every gateway must see every change, in the shared revision order.
 */
@Controller()
export class ClientBindingEventsController {
  private readonly logger = new Logger('ClientBindingEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryClientBindingChanged)
  onClientBindingChanged(@Payload() event: ClientBindingChangedEvent): void {
    if (!isClientBindingChangedEvent(event)) {
      this.logger.warn('ignored a malformed registry.client-binding.changed event');
      return;
    }
    this.sync.onEvent(event);
  }
}

export function isClientBindingChangedEvent(value: unknown): value is ClientBindingChangedEvent {
  if (value === null || typeof value !== 'object') return false;
  const event = value as Partial<ClientBindingChangedEvent>;
  return (
    Number.isSafeInteger(event.revision) &&
    typeof event.issuer === 'string' &&
    typeof event.client_id === 'string' &&
    changes.has(event.change as string) &&
    (event.change === 'deleted'
      ? event.binding === null
      : isClientBinding(event.binding) && event.binding.issuer === event.issuer && event.binding.client_id === event.client_id)
  );
}
