import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type PolicyChangedEvent } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

const changes = new Set(['created', 'updated', 'deleted']);

/** Policy change events from the registry; no queue group: every gateway must see every change. */
@Controller()
export class PolicyEventsController {
  private readonly logger = new Logger('PolicyEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryPolicyChanged)
  onPolicyChanged(@Payload() event: PolicyChangedEvent): void {
    // Bus input is input too: a malformed event is logged and dropped, never applied.
    if (!isPolicyChangedEvent(event)) {
      this.logger.warn('ignored a malformed registry.policy.changed event');
      return;
    }
    this.sync.onEvent(event);
  }
}

export function isPolicyChangedEvent(value: unknown): value is PolicyChangedEvent {
  if (value === null || typeof value !== 'object') return false;
  const event = value as Partial<PolicyChangedEvent>;
  return (
    Number.isSafeInteger(event.revision) &&
    typeof event.policy_id === 'string' &&
    changes.has(event.change as string) &&
    (event.change === 'deleted' || (typeof event.policy === 'object' && event.policy !== null && event.policy.id === event.policy_id))
  );
}
