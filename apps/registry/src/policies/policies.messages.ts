import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type PolicyIdRequest, type PolicyWriteRequest, type Reply } from '@portcullis/contracts';
import type { Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
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
    return replyFrom(() => this.policies.get(policyIdOf(request)), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesCreate, { queue: queues.registry })
  create(@Payload() request: PolicyWriteRequest): Promise<Reply<Policy>> {
    return replyFrom(() => this.policies.create(request?.policy), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesUpdate, { queue: queues.registry })
  update(@Payload() request: PolicyWriteRequest & PolicyIdRequest): Promise<Reply<Policy>> {
    return replyFrom(() => this.policies.update(policyIdOf(request), request.policy), this.logger);
  }

  @MessagePattern(subjects.registryPoliciesDelete, { queue: queues.registry })
  remove(@Payload() request: PolicyIdRequest): Promise<Reply<PolicyIdRequest>> {
    return replyFrom(async () => {
      const id = policyIdOf(request);
      await this.policies.remove(id);
      return { policy_id: id };
    }, this.logger);
  }
}

/** A request from another service is still input: a missing id is the sender's mistake, named. */
function policyIdOf(request: Partial<PolicyIdRequest> | null | undefined): string {
  const id = request?.policy_id;
  if (typeof id === 'string' && id.length > 0) return id;
  throw new PortcullisError('validation_failed', undefined, [{ field: 'policy_id', message: 'is required' }]);
}
