import { Module } from '@nestjs/common';
import { CertificateStore } from '../storage/certificate-store.js';
import { CertificatesMessages } from './certificates.messages.js';
import { CertificatesService } from './certificates.service.js';

@Module({
  controllers: [CertificatesMessages],
  providers: [CertificateStore, CertificatesService],
})
export class CertificatesModule {}
