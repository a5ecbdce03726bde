import { Module } from '@nestjs/common';
import { AuthorizeModule } from '../authorize/authorize.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { LogoutController } from './logout.controller.js';

@Module({ imports: [AuthorizeModule, ClientsModule, SessionsModule, TokensModule], controllers: [LogoutController] })
export class LogoutModule {}
