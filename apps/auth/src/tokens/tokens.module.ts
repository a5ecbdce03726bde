import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { Revocations } from './revocations.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenLookup } from './token-lookup.js';
import { TokenPruning } from './token-pruning.js';
import { TokenStore } from './token-store.js';

@Module({
  imports: [KeysModule],
  providers: [TokenStore, TokenIssuer, Revocations, AccessTokenVerifier, TokenLookup, TokenPruning],
  exports: [TokenStore, TokenIssuer, Revocations, AccessTokenVerifier, TokenLookup],
})
export class TokensModule {}
