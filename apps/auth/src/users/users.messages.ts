import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type Reply, type UserCreateRequest, type UserIdRequest, type UserSummary, type UserUpdateRequest } from '@portcullis/contracts';
import { UsersService } from './users.service.js';

/** User administration over the bus, for the registry's admin API (the admin secret is checked there). */
@Controller()
export class UsersMessages {
  private readonly logger = new Logger(UsersMessages.name);

  constructor(private readonly users: UsersService) {}

  @MessagePattern(subjects.authUsersCreate, { queue: queues.auth })
  create(@Payload() request: Partial<UserCreateRequest> | null): Promise<Reply<UserSummary>> {
    return replyFrom(() => this.users.create(request?.username as string, request?.password as string, request?.claims), this.logger);
  }

  @MessagePattern(subjects.authUsersGet, { queue: queues.auth })
  get(@Payload() request: Partial<UserIdRequest> | null): Promise<Reply<UserSummary>> {
    return replyFrom(async () => this.users.get(requestPayload(subjects.authUsersGet, request).id), this.logger);
  }

  @MessagePattern(subjects.authUsersUpdate, { queue: queues.auth })
  update(@Payload() request: Partial<UserUpdateRequest> | null): Promise<Reply<UserSummary>> {
    return replyFrom(async () => {
      const { id, claims } = requestPayload(subjects.authUsersUpdate, request);
      return this.users.updateClaims(id, claims);
    }, this.logger);
  }

  @MessagePattern(subjects.authUsersList, { queue: queues.auth })
  list(): Promise<Reply<UserSummary[]>> {
    return replyFrom(() => this.users.list(), this.logger);
  }

  @MessagePattern(subjects.authUsersDelete, { queue: queues.auth })
  remove(@Payload() request: Partial<UserIdRequest> | null): Promise<Reply<UserIdRequest>> {
    return replyFrom(async () => {
      const { id } = requestPayload(subjects.authUsersDelete, request);
      await this.users.delete(id);
      return { id };
    }, this.logger);
  }

  @MessagePattern(subjects.authUsersUnlock, { queue: queues.auth })
  unlock(@Payload() request: Partial<UserIdRequest> | null): Promise<Reply<UserIdRequest>> {
    return replyFrom(async () => {
      const { id } = requestPayload(subjects.authUsersUnlock, request);
      await this.users.unlock(id);
      return { id };
    }, this.logger);
  }
}
