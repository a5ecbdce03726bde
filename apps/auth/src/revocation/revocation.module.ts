import { Module } from '@nestjs/common';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { RevocationController } from './revocation.controller.js';
import { RevocationMessages } from './revocation.messages.js';
import { RevocationService } from './revocation.service.js';

@Module({
  imports: [ClientAuthModule, TokensModule],
  controllers: [RevocationController, RevocationMessages],
  providers: [RevocationService],
  exports: [RevocationService],
})
export class RevocationModule {}
