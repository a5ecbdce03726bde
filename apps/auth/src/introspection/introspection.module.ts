import { Module } from '@nestjs/common';
import { ClientAuthModule } from '../client-auth/client-auth.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { IntrospectionController } from './introspection.controller.js';

@Module({ imports: [ClientAuthModule, TokensModule], controllers: [IntrospectionController] })
export class IntrospectionModule {}
