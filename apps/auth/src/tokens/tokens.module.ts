import { IdTokenHints } from './id-token-hint.js';
import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { AccessTokenCache } from './access-token-cache.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { Revocations } from './revocations.js';
import { RevokedTokensMessages } from './revoked-tokens.messages.js';
import { TokenIssuer } from './token-issuer.js';
import { TokenLookup } from './token-lookup.js';
import { TokenPruning } from './token-pruning.js';

@Module({
  imports: [KeysModule],
  controllers: [RevokedTokensMessages],
  providers: [
    TokenIssuer,
    Revocations,
    AccessTokenVerifier,
    TokenLookup,
    TokenPruning,
    IdTokenHints,
    { provide: AccessTokenCache, useFactory: () => new AccessTokenCache() },
  ],
  exports: [TokenIssuer, Revocations, AccessTokenVerifier, TokenLookup, IdTokenHints],
})
export class TokensModule {}
