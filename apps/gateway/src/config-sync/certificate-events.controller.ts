import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { eventPayload } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';

/** Certificate store changes from the registry; no queue group: every gateway must see every change. */
@Controller()
export class CertificateEventsController {
  private readonly logger = new Logger('CertificateEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryCertificateChanged)
  onCertificateChanged(@Payload() payload: unknown): void {
    const event = eventPayload(subjects.registryCertificateChanged, payload, this.logger);
    if (event) this.sync.onEvent(event);
  }
}
