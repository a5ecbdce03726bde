import { Module } from '@nestjs/common';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { TokenEndpoint } from './token-endpoint.js';
import { TokenController } from './token.controller.js';
import { TokenMessages } from './token.messages.js';

@Module({ imports: [ClientAuthModule, GrantsModule, NotificationsModule], controllers: [TokenController, TokenMessages], providers: [TokenEndpoint] })
export class TokenEndpointModule {}
