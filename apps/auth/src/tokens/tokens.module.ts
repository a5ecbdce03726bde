import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { Revocations } from './revocations.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenLookup } from './token-lookup.js';
import { TokenPruning } from './token-pruning.js';

@Module({
  imports: [KeysModule],
  providers: [TokenIssuer, Revocations, AccessTokenVerifier, TokenLookup, TokenPruning],
  exports: [TokenIssuer, Revocations, AccessTokenVerifier, TokenLookup],
})
export class TokensModule {}
