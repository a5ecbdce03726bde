import { Controller, Logger } from '@nestjs/common';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type Jwks, type Reply } from '@portcullis/contracts';
import { SigningKeys } from './signing-keys.service.js';
import { errorSummary } from '@portcullis/logging';

@Controller()
export class KeysMessages {
  private readonly logger = new Logger(KeysMessages.name);

  constructor(private readonly keys: SigningKeys) {}

  @MessagePattern(subjects.authJwks, { queue: queues.auth })
  jwks(): Promise<Reply<Jwks>> {
    return replyFrom(() => this.keys.jwks(), this.logger);
  }

  /** Admin: rotate now (the registry's admin API checks the admin secret before asking). */
  @MessagePattern(subjects.authKeysRotate, { queue: queues.auth })
  rotate(): Promise<Reply<{ kid: string }>> {
    return replyFrom(async () => ({ kid: await this.keys.rotate('requested by an admin') }), this.logger);
  }

  /** Every replica (no queue group) re-reads the keys when any of them rotates. */
  @EventPattern(subjects.authKeysRotated)
  async rotated(_event: unknown): Promise<void> {
    await this.keys.reload().catch((error: unknown) => this.logger.error(`could not reload signing keys: ${errorSummary(error)}`));
  }
}
