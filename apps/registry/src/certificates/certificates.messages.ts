import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import {
  queues,
  subjects,
  type CertificateAddRequest,
  type CertificateBasics,
  type CertificateIdRequest,
  type CertificateIdsRequest,
  type CertificateListRequest,
  type CertificateMeta,
  type Reply,
} from '@portcullis/contracts';
import { CertificatesService } from './certificates.service.js';

/** Tyk's `/tyk/certs`, served by the gateway, answered here; one replica answers each request. */
@Controller()
export class CertificatesMessages {
  private readonly logger = new Logger(CertificatesMessages.name);

  constructor(private readonly certificates: CertificatesService) {}

  @MessagePattern(subjects.registryCertsAdd, { queue: queues.registry })
  add(@Payload() request: CertificateAddRequest): Promise<Reply<CertificateMeta>> {
    return replyFrom(() => this.certificates.add(request?.sealed_upload, request?.org_id ?? ''), this.logger);
  }

  @MessagePattern(subjects.registryCertsList, { queue: queues.registry })
  list(@Payload() request: CertificateListRequest): Promise<Reply<string[] | CertificateBasics[]>> {
    return replyFrom(() => {
      const { org_id, detailed } = requestPayload(subjects.registryCertsList, request);
      return this.certificates.list(org_id, detailed === true);
    }, this.logger);
  }

  @MessagePattern(subjects.registryCertsGet, { queue: queues.registry })
  get(@Payload() request: CertificateIdsRequest): Promise<Reply<CertificateMeta[]>> {
    return replyFrom(() => this.certificates.get(requestPayload(subjects.registryCertsGet, request).cert_ids), this.logger);
  }

  @MessagePattern(subjects.registryCertsDelete, { queue: queues.registry })
  remove(@Payload() request: CertificateIdRequest): Promise<Reply<CertificateIdRequest>> {
    return replyFrom(async () => {
      const id = requestPayload(subjects.registryCertsDelete, request).cert_id;
      await this.certificates.remove(id);
      return { cert_id: id };
    }, this.logger);
  }
}
