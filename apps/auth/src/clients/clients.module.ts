import { Module } from '@nestjs/common';
import { ReferencesModule } from '../references/references.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { ClientCache } from './client-cache.js';
import { ClientsMessages } from './clients.messages.js';
import { ClientsService } from './clients.service.js';

@Module({
  imports: [TokensModule, ReferencesModule],
  controllers: [ClientsMessages],
  providers: [ClientsService, { provide: ClientCache, useFactory: () => new ClientCache() }],
  exports: [ClientsService],
})
export class ClientsModule {}
