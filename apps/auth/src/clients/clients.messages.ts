import { Controller, Logger } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { eventPayload, replyFrom, requestPayload } from '@portcullis/bus';
import {
  queues,
  subjects,
  type ClientIdRequest,
  type ClientListRequest,
  type ClientUpdateRequest,
  type ClientWriteRequest,
  type OAuthClientWithSecret,
  type Reply,
  type TokenSummary,
} from '@portcullis/contracts';
import type { OAuthClient } from '@portcullis/domain';
import { ClientsService } from './clients.service.js';

/**
 * Client administration over the bus: the registry's admin API and the gateway's /tyk/oauth/ API
 * (both check the admin secret first) forward here. One replica answers each request.
 */
@Controller()
export class ClientsMessages {
  private readonly logger = new Logger(ClientsMessages.name);

  constructor(private readonly clients: ClientsService) {}

  @MessagePattern(subjects.authClientsCreate, { queue: queues.auth })
  create(@Payload() request: ClientWriteRequest): Promise<Reply<OAuthClientWithSecret>> {
    return replyFrom(() => this.clients.create(request?.input), this.logger);
  }

  @MessagePattern(subjects.authClientsList, { queue: queues.auth })
  list(@Payload() request: ClientListRequest): Promise<Reply<OAuthClient[]>> {
    return replyFrom(() => this.clients.list(request ?? {}), this.logger);
  }

  @MessagePattern(subjects.authClientsGet, { queue: queues.auth })
  get(@Payload() request: ClientIdRequest): Promise<Reply<OAuthClient>> {
    return replyFrom(() => this.clients.get(requestPayload(subjects.authClientsGet, request).client_id), this.logger);
  }

  @MessagePattern(subjects.authClientsUpdate, { queue: queues.auth })
  update(@Payload() request: ClientUpdateRequest): Promise<Reply<OAuthClient>> {
    return replyFrom(() => {
      const { client_id, input } = requestPayload(subjects.authClientsUpdate, request);
      return this.clients.update(client_id, input);
    }, this.logger);
  }

  @MessagePattern(subjects.authClientsDelete, { queue: queues.auth })
  remove(@Payload() request: ClientIdRequest): Promise<Reply<ClientIdRequest>> {
    return replyFrom(async () => {
      const clientId = requestPayload(subjects.authClientsDelete, request).client_id;
      await this.clients.delete(clientId);
      return { client_id: clientId };
    }, this.logger);
  }

  @MessagePattern(subjects.authClientsRotateSecret, { queue: queues.auth })
  rotateSecret(@Payload() request: ClientIdRequest): Promise<Reply<OAuthClientWithSecret>> {
    return replyFrom(() => this.clients.rotateSecret(requestPayload(subjects.authClientsRotateSecret, request).client_id), this.logger);
  }

  @MessagePattern(subjects.authClientsUnlock, { queue: queues.auth })
  unlock(@Payload() request: ClientIdRequest): Promise<Reply<ClientIdRequest>> {
    return replyFrom(async () => {
      const clientId = requestPayload(subjects.authClientsUnlock, request).client_id;
      await this.clients.unlock(clientId);
      return { client_id: clientId };
    }, this.logger);
  }

  @MessagePattern(subjects.authClientsTokens, { queue: queues.auth })
  tokens(@Payload() request: ClientIdRequest): Promise<Reply<TokenSummary[]>> {
    return replyFrom(() => this.clients.tokens(requestPayload(subjects.authClientsTokens, request).client_id), this.logger);
  }

  /** Every replica (no queue group) drops its cached copy of a changed client. */
  @EventPattern(subjects.authClientChanged)
  changed(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.authClientChanged, payload, this.logger);
    if (event) this.clients.forget(event);
  }
}
