import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type ApiChangedEvent } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

const changes = new Set(['created', 'updated', 'deleted']);

/** Change events from the registry. No queue group: every gateway must see every change. */
@Controller()
export class ApiEventsController {
  private readonly logger = new Logger('ApiEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryApiChanged)
  onApiChanged(@Payload() event: ApiChangedEvent): void {
    // Bus input is input too: a malformed event is logged and dropped, never applied.
    if (!isApiChangedEvent(event)) {
      this.logger.warn('ignored a malformed registry.api.changed event');
      return;
    }
    this.sync.onEvent(event);
  }
}

function isApiChangedEvent(value: unknown): value is ApiChangedEvent {
  if (value === null || typeof value !== 'object') return false;
  const event = value as Partial<ApiChangedEvent>;
  return (
    Number.isSafeInteger(event.revision) &&
    typeof event.api_id === 'string' &&
    changes.has(event.change as string) &&
    (event.change === 'deleted' || (typeof event.definition === 'object' && event.definition !== null && typeof event.definition.proxy === 'object'))
  );
}
