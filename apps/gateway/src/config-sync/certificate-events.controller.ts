import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { subjects, type CertificateChangedEvent } from '@portcullis/contracts';
import { ConfigSyncService } from './config-sync.service.js';
import { isStoredCertificate } from './config-sync.js';

const changes = new Set(['created', 'updated', 'deleted']);

/** Certificate store changes from the registry; no queue group: every gateway must see every change. */
@Controller()
export class CertificateEventsController {
  private readonly logger = new Logger('CertificateEvents');

  constructor(private readonly sync: ConfigSyncService) {}

  @EventPattern(subjects.registryCertificateChanged)
  onCertificateChanged(@Payload() event: CertificateChangedEvent): void {
    if (!isCertificateChangedEvent(event)) {
      this.logger.warn('ignored a malformed registry.certificate.changed event');
      return;
    }
    this.sync.onEvent(event);
  }
}

export function isCertificateChangedEvent(value: unknown): value is CertificateChangedEvent {
  if (value === null || typeof value !== 'object') return false;
  const event = value as Partial<CertificateChangedEvent>;
  return (
    Number.isSafeInteger(event.revision) &&
    typeof event.cert_id === 'string' &&
    changes.has(event.change as string) &&
    (event.change === 'deleted' || (isStoredCertificate(event.certificate) && event.certificate.id === event.cert_id))
  );
}
