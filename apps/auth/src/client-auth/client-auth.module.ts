import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { ClientAuthenticator } from './client-authenticator.js';

@Module({ imports: [ClientsModule], providers: [ClientAuthenticator], exports: [ClientAuthenticator, ClientsModule] })
export class ClientAuthModule {}
