import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';
import { Grants } from './grants.js';

@Module({ imports: [TokensModule], providers: [Grants, AuthorizationCodesService], exports: [Grants, AuthorizationCodesService] })
export class GrantsModule {}
