import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects, type KeysRotatedEvent } from '@portcullis/contracts';
import { CredentialsService } from './credentials.service.js';

/**
 * The auth service's credential events. No queue group: every gateway drops what it cached for a
 * changed key, denies a revoked token and refetches rotated signing keys, at once.
 */
@Controller()
export class CredentialEventsController {
  private readonly logger = new Logger('CredentialEvents');

  constructor(private readonly service: CredentialsService) {}

  @EventPattern(subjects.authKeyChanged)
  onKeyChanged(@Payload() payload: unknown): void {
    // Bus input is input too: a malformed event is logged and dropped.
    const event = eventPayload(subjects.authKeyChanged, payload, this.logger);
    if (event) this.service.credentials.onKeyChanged(event.key_hash);
  }

  @EventPattern(subjects.authTokenRevoked)
  onTokenRevoked(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.authTokenRevoked, payload, this.logger);
    if (event) this.service.credentials.onTokenRevoked(event.jti, event.exp);
  }

  @EventPattern(subjects.authKeysRotated)
  onKeysRotated(@Payload() _event: KeysRotatedEvent): void {
    // Not parsed: the payload is not read, and a refetch of the JWKS is right whatever it says.
    this.service.credentials.onSigningKeysRotated();
  }
}
