import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type ReferencesCheckReply, type ReferencesCheckRequest, type Reply } from '@portcullis/contracts';
import { References } from './references.js';

/** The auth service's question before it stores a client, key or initial access token; one replica answers. */
@Controller()
export class ReferencesMessages {
  private readonly logger = new Logger(ReferencesMessages.name);

  constructor(private readonly references: References) {}

  @MessagePattern(subjects.registryReferencesCheck, { queue: queues.registry })
  check(@Payload() request: Partial<ReferencesCheckRequest> | null): Promise<Reply<ReferencesCheckReply>> {
    return replyFrom(() => this.references.missing(request), this.logger);
  }
}
