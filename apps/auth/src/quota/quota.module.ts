import { Module } from '@nestjs/common';
import { QuotaMessages } from './quota.messages.js';
import { QuotaService } from './quota.service.js';

@Module({ controllers: [QuotaMessages], providers: [QuotaService] })
export class QuotaModule {}
