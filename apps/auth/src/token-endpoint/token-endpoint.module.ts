import { Module } from '@nestjs/common';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { GrantsModule } from '../grants/grants.module.js';
import { TokenController } from './token.controller.js';

@Module({ imports: [ClientAuthModule, GrantsModule], controllers: [TokenController] })
export class TokenEndpointModule {}
