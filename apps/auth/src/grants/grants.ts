import { Inject, Injectable, Optional } from '@nestjs/common';
import { Revocations } from '../tokens/revocations.js';
import { TokenIssuer } from '../tokens/token-issuer.js';
import { TokenStore } from '../storage/token-store.js';
import { authorizationCodeGrant } from './authorization-code.grant.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';
import { clientCredentialsGrant } from './client-credentials.grant.js';
import type { Grant } from './grant.js';
import { PASSWORD_VERIFIER, passwordGrant, type PasswordVerifier } from './password.grant.js';
import { refreshTokenGrant } from './refresh-token.grant.js';

/** The grant types the token endpoint serves, built once at start; dispatch is a Map lookup. */
@Injectable()
export class Grants {
  private readonly byType: ReadonlyMap<string, Grant>;

  constructor(
    tokens: TokenIssuer,
    store: TokenStore,
    revocations: Revocations,
    codes: AuthorizationCodesService,
    @Optional() @Inject(PASSWORD_VERIFIER) users: PasswordVerifier | null,
  ) {
    const grants = [
      authorizationCodeGrant(tokens, codes, revocations),
      clientCredentialsGrant(tokens),
      refreshTokenGrant(tokens, store, revocations),
      passwordGrant(tokens, users ?? null),
    ];
    this.byType = new Map(grants.map((grant) => [grant.grantType, grant]));
  }

  get(grantType: string): Grant | undefined {
    return this.byType.get(grantType);
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }
}
