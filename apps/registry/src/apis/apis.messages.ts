import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type ApiIdRequest, type ApiWriteRequest, type RegistrySnapshot, type Reply } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { ApisService } from './apis.service.js';

/**
 * The same administration over the bus: the gateway's Tyk-compatible API forwards here, and the
 * gateways ask for their snapshot. One replica answers each request (queue group).
 */
@Controller()
export class ApisMessages {
  private readonly logger = new Logger(ApisMessages.name);

  constructor(private readonly apis: ApisService) {}

  @MessagePattern(subjects.registrySnapshot, { queue: queues.registry })
  snapshot(): Promise<Reply<RegistrySnapshot>> {
    return replyFrom(() => this.apis.snapshot(), this.logger);
  }

  @MessagePattern(subjects.registryApisList, { queue: queues.registry })
  list(): Promise<Reply<ApiDefinition[]>> {
    return replyFrom(() => this.apis.list(), this.logger);
  }

  @MessagePattern(subjects.registryApisGet, { queue: queues.registry })
  get(@Payload() request: ApiIdRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => this.apis.get(apiIdOf(request)), this.logger);
  }

  @MessagePattern(subjects.registryApisCreate, { queue: queues.registry })
  create(@Payload() request: ApiWriteRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => this.apis.create(request?.definition), this.logger);
  }

  @MessagePattern(subjects.registryApisUpdate, { queue: queues.registry })
  update(@Payload() request: ApiWriteRequest & ApiIdRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => this.apis.update(apiIdOf(request), request.definition), this.logger);
  }

  @MessagePattern(subjects.registryApisDelete, { queue: queues.registry })
  remove(@Payload() request: ApiIdRequest): Promise<Reply<ApiIdRequest>> {
    return replyFrom(async () => {
      const apiId = apiIdOf(request);
      await this.apis.remove(apiId);
      return { api_id: apiId };
    }, this.logger);
  }
}

/** A request from another service is still input: a missing id is the sender's mistake, named. */
function apiIdOf(request: Partial<ApiIdRequest> | null | undefined): string {
  const apiId = request?.api_id;
  if (typeof apiId === 'string' && apiId.length > 0) return apiId;
  throw new PortcullisError('validation_failed', undefined, [{ field: 'api_id', message: 'is required' }]);
}
