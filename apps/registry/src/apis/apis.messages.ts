import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import {
  queues,
  subjects,
  type ApiIdRequest,
  type ApiWriteRequest,
  type RegistrySnapshotPage,
  type RegistrySnapshotRequest,
  type Reply,
} from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { ApisService } from './apis.service.js';
import { SnapshotPager } from './snapshot-pager.js';

/**
 * The same administration over the bus: the gateway's Tyk-compatible API forwards here, and the
 * gateways ask for their snapshot. One replica answers each request (queue group).
 */
@Controller()
export class ApisMessages {
  private readonly logger = new Logger(ApisMessages.name);

  constructor(
    private readonly apis: ApisService,
    private readonly snapshots: SnapshotPager,
  ) {}

  @MessagePattern(subjects.registrySnapshot, { queue: queues.registry })
  snapshot(@Payload() request: RegistrySnapshotRequest): Promise<Reply<RegistrySnapshotPage>> {
    return replyFrom(() => this.snapshots.page(requestPayload(subjects.registrySnapshot, request)), this.logger);
  }

  @MessagePattern(subjects.registryApisList, { queue: queues.registry })
  list(): Promise<Reply<ApiDefinition[]>> {
    return replyFrom(() => this.apis.list(), this.logger);
  }

  @MessagePattern(subjects.registryApisGet, { queue: queues.registry })
  get(@Payload() request: ApiIdRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => this.apis.get(requestPayload(subjects.registryApisGet, request).api_id), this.logger);
  }

  @MessagePattern(subjects.registryApisCreate, { queue: queues.registry })
  create(@Payload() request: ApiWriteRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => this.apis.create(request?.definition), this.logger);
  }

  @MessagePattern(subjects.registryApisUpdate, { queue: queues.registry })
  update(@Payload() request: ApiWriteRequest & ApiIdRequest): Promise<Reply<ApiDefinition>> {
    return replyFrom(() => {
      const { api_id, definition } = requestPayload(subjects.registryApisUpdate, request);
      return this.apis.update(api_id, definition);
    }, this.logger);
  }

  @MessagePattern(subjects.registryApisDelete, { queue: queues.registry })
  remove(@Payload() request: ApiIdRequest): Promise<Reply<ApiIdRequest>> {
    return replyFrom(async () => {
      const apiId = requestPayload(subjects.registryApisDelete, request).api_id;
      await this.apis.remove(apiId);
      return { api_id: apiId };
    }, this.logger);
  }
}
