import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { ReferencesModule } from '../references/references.module.js';
import { InitialAccessTokensMessages } from './initial-access-tokens.messages.js';
import { InitialAccessTokensService } from './initial-access-tokens.service.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';

@Module({
  imports: [ClientsModule, ReferencesModule],
  controllers: [RegistrationController, InitialAccessTokensMessages],
  providers: [InitialAccessTokensService, RegistrationService],
})
export class RegistrationModule {}
