import { Module } from '@nestjs/common';
import { CertificatesMessages } from './certificates.messages.js';
import { CertificatesService } from './certificates.service.js';

@Module({
  controllers: [CertificatesMessages],
  providers: [CertificatesService],
})
export class CertificatesModule {}
