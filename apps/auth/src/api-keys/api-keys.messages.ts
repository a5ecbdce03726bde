import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type KeyRecord, type KeyRefRequest, type KeyWriteRequest, type Reply } from '@portcullis/contracts';
import { ApiKeysService } from './api-keys.service.js';

/**
 * Key administration over the bus: the gateway's /tyk/keys and the registry's admin API check the
 * admin secret, then ask here. One replica answers each request.
 */
@Controller()
export class ApiKeysMessages {
  private readonly logger = new Logger(ApiKeysMessages.name);

  constructor(private readonly keys: ApiKeysService) {}

  @MessagePattern(subjects.authKeysCreate, { queue: queues.auth })
  create(@Payload() request: Partial<KeyWriteRequest> | null): Promise<Reply<KeyRecord>> {
    return replyFrom(() => this.keys.create(request), this.logger);
  }

  @MessagePattern(subjects.authKeysGet, { queue: queues.auth })
  get(@Payload() request: Partial<KeyRefRequest> | null): Promise<Reply<KeyRecord>> {
    return replyFrom(() => this.keys.get(requestPayload(subjects.authKeysGet, request)), this.logger);
  }

  @MessagePattern(subjects.authKeysUpdate, { queue: queues.auth })
  update(@Payload() request: (Partial<KeyRefRequest> & Partial<KeyWriteRequest>) | null): Promise<Reply<KeyRecord>> {
    return replyFrom(() => this.keys.update(requestPayload(subjects.authKeysUpdate, request)), this.logger);
  }

  @MessagePattern(subjects.authKeysDelete, { queue: queues.auth })
  remove(@Payload() request: Partial<KeyRefRequest> | null): Promise<Reply<{ key_hash: string }>> {
    return replyFrom(() => this.keys.delete(requestPayload(subjects.authKeysDelete, request)), this.logger);
  }

  @MessagePattern(subjects.authKeysList, { queue: queues.auth })
  list(): Promise<Reply<KeyRecord[]>> {
    return replyFrom(() => this.keys.list(), this.logger);
  }
}
