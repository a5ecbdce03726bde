import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type PolicyIdRequest, type PolicyWriteRequest, type Reply } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';
import { PoliciesService } from './policies.service.js';

/** The same administration over the bus, for the gateway's `/tyk/policies`; one replica answers each request. */
@Controller()
export class PoliciesMessages {
  private readonly logger = new Logger(PoliciesMessages.name);

  constructor(private readonly policies: PoliciesService) {}

  @MessagePattern(subjects.registryPoliciesList, { queue: queues.registry })
  list(): Promise<Reply<Policy[]>> {
    return replyFrom(() => this.policies.list(), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesGet, { queue: queues.registry })
  get(@Payload() request: PolicyIdRequest): Promise<Reply<Policy>> {
    return replyFrom(() => this.policies.get(requestPayload(subjects.registryPoliciesGet, request).policy_id), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesCreate, { queue: queues.registry })
  create(@Payload() request: PolicyWriteRequest): Promise<Reply<Policy>> {
    return replyFrom(() => this.policies.create(request?.policy), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesUpdate, { queue: queues.registry })
  update(@Payload() request: PolicyWriteRequest & PolicyIdRequest): Promise<Reply<Policy>> {
    return replyFrom(() => {
      const { policy_id, policy } = requestPayload(subjects.registryPoliciesUpdate, request);
      return this.policies.update(policy_id, policy);
    }, this.logger);
  }

  @MessagePattern(subjects.registryPoliciesDelete, { queue: queues.registry })
  remove(@Payload() request: PolicyIdRequest): Promise<Reply<PolicyIdRequest>> {
    return replyFrom(async () => {
      const id = requestPayload(subjects.registryPoliciesDelete, request).policy_id;
      await this.policies.remove(id);
      return { policy_id: id };
    }, this.logger);
  }
}
