import { Module } from '@nestjs/common';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { AccessTokenIntrospection } from './access-token-introspection.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';
import { IntrospectionController } from './introspection.controller.js';
import { IntrospectionMessages } from './introspection.messages.js';

@Module({
  imports: [ClientAuthModule, TokensModule],
  controllers: [IntrospectionController, IntrospectionMessages],
  providers: [AccessTokenIntrospection, IntrospectionEndpoint],
})
export class IntrospectionModule {}
