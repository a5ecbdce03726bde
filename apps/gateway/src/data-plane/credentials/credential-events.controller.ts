import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type KeyChangedEvent, type KeysRotatedEvent, type TokenRevokedEvent } from '@portcullis/contracts';
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
  onKeyChanged(@Payload() event: KeyChangedEvent): void {
    if (typeof event?.key_hash !== 'string') return this.ignored(subjects.authKeyChanged);
    this.service.credentials.onKeyChanged(event.key_hash);
  }

  @EventPattern(subjects.authTokenRevoked)
  onTokenRevoked(@Payload() event: TokenRevokedEvent): void {
    if (typeof event?.jti !== 'string' || !Number.isFinite(event.exp)) return this.ignored(subjects.authTokenRevoked);
    this.service.credentials.onTokenRevoked(event.jti, event.exp);
  }

  @EventPattern(subjects.authKeysRotated)
  onKeysRotated(@Payload() _event: KeysRotatedEvent): void {
    this.service.credentials.onSigningKeysRotated();
  }

  private ignored(subject: string): void {
    // Bus input is input too: a malformed event is logged and dropped.
    this.logger.warn(`ignored a malformed ${subject} event`);
  }
}
