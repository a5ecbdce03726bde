import { Module } from '@nestjs/common';
import { ReferencesModule } from '../references/references.module.js';
import { ApiKeysMessages } from './api-keys.messages.js';
import { ApiKeysService } from './api-keys.service.js';
import { CredentialSealer } from './credential-sealer.js';

@Module({
  imports: [ReferencesModule],
  controllers: [ApiKeysMessages],
  providers: [ApiKeysService, CredentialSealer],
  exports: [ApiKeysService, CredentialSealer],
})
export class ApiKeysModule {}
