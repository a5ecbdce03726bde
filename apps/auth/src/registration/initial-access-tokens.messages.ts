import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type InitialAccessTokenReply, type InitialAccessTokenRequest, type Reply } from '@portcullis/contracts';
import { InitialAccessTokensService } from './initial-access-tokens.service.js';

/** Admins issue initial access tokens through the registry's admin API, which asks here. */
@Controller()
export class InitialAccessTokensMessages {
  private readonly logger = new Logger(InitialAccessTokensMessages.name);

  constructor(private readonly tokens: InitialAccessTokensService) {}

  @MessagePattern(subjects.authInitialAccessTokensCreate, { queue: queues.auth })
  create(@Payload() request: Partial<InitialAccessTokenRequest> | null): Promise<Reply<InitialAccessTokenReply>> {
    return replyFrom(() => this.tokens.create(request), this.logger);
  }
}
