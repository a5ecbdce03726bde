import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { AccessTokenCache } from './access-token-cache.js';

/**
 * Every replica (no queue group) forgets a token another one revoked, so introspection here stops
 * answering it from memory as soon as the gateways stop accepting it (the same event). The replica
 * that revoked it forgot it already (Revocations), before announcing it.
 */
@Controller()
export class RevokedTokensMessages {
  private readonly logger = new Logger(RevokedTokensMessages.name);

  constructor(private readonly cache: AccessTokenCache) {}

  @EventPattern(subjects.authTokenRevoked)
  revoked(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.authTokenRevoked, payload, this.logger);
    // Unreadable: which token is unknown, so none is trusted from memory any more.
    if (event) this.cache.forget(event.jti);
    else this.cache.clear();
  }
}
