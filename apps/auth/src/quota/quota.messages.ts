import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type QuotaLeaseReply, type QuotaLeaseRequest, type Reply } from '@portcullis/contracts';
import { QuotaService } from './quota.service.js';

@Controller()
export class QuotaMessages {
  private readonly logger = new Logger(QuotaMessages.name);

  constructor(private readonly quotas: QuotaService) {}

  /** A gateway takes a share of an identity's quota to spend locally. */
  @MessagePattern(subjects.authQuotaLease, { queue: queues.auth })
  lease(@Payload() request: Partial<QuotaLeaseRequest> | null): Promise<Reply<QuotaLeaseReply>> {
    return replyFrom(() => this.quotas.lease(requestPayload(subjects.authQuotaLease, request)), this.logger);
  }
}
