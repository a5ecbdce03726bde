import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type CertificateAddRequest, type CertificateBasics, type CertificateIdRequest, type CertificateIdsRequest, type CertificateListRequest, type CertificateMeta, type Reply } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
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
    return replyFrom(() => this.certificates.list(typeof request?.org_id === 'string' ? request.org_id : undefined, request?.detailed === true), this.logger);
  }

  @MessagePattern(subjects.registryCertsGet, { queue: queues.registry })
  get(@Payload() request: CertificateIdsRequest): Promise<Reply<CertificateMeta[]>> {
    return replyFrom(() => {
      const ids = request?.cert_ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((id) => typeof id === 'string' && id.length > 0)) {
        throw new PortcullisError('validation_failed', undefined, [{ field: 'cert_ids', message: 'must be 1 to 100 ids' }]);
      }
      return this.certificates.get(ids);
    }, this.logger);
  }

  @MessagePattern(subjects.registryCertsDelete, { queue: queues.registry })
  remove(@Payload() request: CertificateIdRequest): Promise<Reply<CertificateIdRequest>> {
    return replyFrom(async () => {
      const id = request?.cert_id;
      if (typeof id !== 'string' || id.length === 0) throw new PortcullisError('validation_failed', undefined, [{ field: 'cert_id', message: 'is required' }]);
      await this.certificates.remove(id);
      return { cert_id: id };
    }, this.logger);
  }
}
