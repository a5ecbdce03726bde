import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import type { RefreshTokenRecord } from '../storage/refresh-token.entity.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { hashToken } from './token-issuer.js';
import { TokenStore } from './token-store.js';

export type FoundToken =
  | { kind: 'access_token'; record: AccessTokenRecord; claims: JWTPayload }
  | { kind: 'refresh_token'; record: RefreshTokenRecord };

/**
 * Finds what a presented token is, for introspection and revocation: a JWT access token of ours
 * (signature checked, so a forged one is nothing) or a refresh token (by hash). The hint only
 * chooses which to try first (RFC 7009 §2.1, RFC 7662 §2.1).
 */
@Injectable()
export class TokenLookup {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly store: TokenStore,
  ) {}

  async find(token: string, hint: string | undefined): Promise<FoundToken | null> {
    const order = hint === 'refresh_token' ? [this.refresh, this.access] : [this.access, this.refresh];
    for (const attempt of order) {
      const found = await attempt.call(this, token);
      if (found) return found;
    }
    return null;
  }

  private async access(token: string): Promise<FoundToken | null> {
    const claims = await this.verifier.verify(token);
    if (!claims) return null;
    const record = await this.store.findAccess(claims.jti);
    return record ? { kind: 'access_token', record, claims } : null;
  }

  private async refresh(token: string): Promise<FoundToken | null> {
    if (token.length > 512) return null;
    const record = await this.store.findRefresh(hashToken(token));
    return record ? { kind: 'refresh_token', record } : null;
  }
}
