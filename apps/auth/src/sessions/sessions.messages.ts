import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type ConsentSummary, type LoginSessionSummary, type Reply } from '@portcullis/contracts';
import { Consents, LoginSessions } from './login-sessions.service.js';

/** Login sessions and consents over the bus, for the registry's admin API (the admin secret is checked there). */
@Controller()
export class SessionsMessages {
  private readonly logger = new Logger(SessionsMessages.name);

  constructor(
    private readonly sessions: LoginSessions,
    private readonly consents: Consents,
  ) {}

  @MessagePattern(subjects.authSessionsList, { queue: queues.auth })
  listSessions(@Payload() request: unknown): Promise<Reply<LoginSessionSummary[]>> {
    return replyFrom(() => this.sessions.list(requestPayload(subjects.authSessionsList, request).user_id), this.logger);
  }

  @MessagePattern(subjects.authSessionsRevoke, { queue: queues.auth })
  revokeSessions(@Payload() request: unknown): Promise<Reply<{ revoked: number }>> {
    return replyFrom(async () => {
      const { user_id, id } = requestPayload(subjects.authSessionsRevoke, request);
      return { revoked: await this.sessions.revoke(user_id, id) };
    }, this.logger);
  }

  @MessagePattern(subjects.authConsentsList, { queue: queues.auth })
  listConsents(@Payload() request: unknown): Promise<Reply<ConsentSummary[]>> {
    return replyFrom(() => this.consents.list(requestPayload(subjects.authConsentsList, request).user_id), this.logger);
  }

  @MessagePattern(subjects.authConsentsRevoke, { queue: queues.auth })
  revokeConsents(@Payload() request: unknown): Promise<Reply<{ revoked: number }>> {
    return replyFrom(async () => {
      const { user_id, client_id } = requestPayload(subjects.authConsentsRevoke, request);
      return { revoked: await this.consents.revoke(user_id, client_id) };
    }, this.logger);
  }
}
