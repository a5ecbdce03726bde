import { Injectable } from '@nestjs/common';
import { isOpaqueAccessTokenShape } from '@portcullis/contracts';
import type { JWTPayload } from 'jose';
import { Issuer } from '../issuer.js';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import type { RefreshTokenRecord } from '../storage/refresh-token.entity.js';
import { AccessTokenCache } from './access-token-cache.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { audienceOf, hashToken } from './token-issuer.js';
import { TokenStore } from '../storage/token-store.js';

export type FoundToken =
  /** `claims` are what the token says: a JWT's verified claims, or for an opaque token the same claims from its row. */
  { kind: 'access_token'; record: AccessTokenRecord; claims: JWTPayload } | { kind: 'refresh_token'; record: RefreshTokenRecord };

export type FoundAccessToken = Extract<FoundToken, { kind: 'access_token' }>;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * Finds what a presented token is, for introspection and revocation: an access token of ours (a JWT
 * with its signature checked, so a forged one is nothing; an opaque one by its hash) or a refresh
 * token (by hash). The hint only chooses which to try first (RFC 7009 §2.1, RFC 7662 §2.1).
 */
@Injectable()
export class TokenLookup {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly store: TokenStore,
    private readonly issuer: Issuer,
    private readonly cache: AccessTokenCache,
  ) {}

  async find(token: string, hint: string | undefined): Promise<FoundToken | null> {
    const refresh = () => this.refresh(token);
    const access = () => this.accessToken(token);
    for (const attempt of hint === 'refresh_token' ? [refresh, access] : [access, refresh]) {
      const found = await attempt();
      if (found) return found;
    }
    return null;
  }

  /** An access token only (a refresh token is never a bearer credential), valid or not: the caller checks. */
  async accessToken(token: string): Promise<FoundAccessToken | null> {
    const cached = this.cache.get(token);
    // A JWT's key may have been dropped since (rotation's grace over): then it is checked in full.
    if (cached && (cached.record.kid === null || this.verifier.publishes(cached.record.kid))) return { kind: 'access_token', ...cached };
    const epoch = this.cache.epoch();
    const found = await this.uncachedAccessToken(token);
    if (found) this.cache.set(token, found, epoch);
    return found;
  }

  private async uncachedAccessToken(token: string): Promise<FoundAccessToken | null> {
    if (isOpaqueAccessTokenShape(token)) {
      const record = await this.store.findAccessByHash(hashToken(token));
      return record ? { kind: 'access_token', record, claims: this.claimsOf(record) } : null;
    }
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

  /** What the JWT would have said, had the client asked for one. */
  private claimsOf(record: AccessTokenRecord): JWTPayload {
    const claims: JWTPayload = { client_id: record.clientId, jti: record.jti, pol: record.policyIds };
    if (record.scope !== '') claims.scope = record.scope;
    claims.iss = this.issuer.value;
    claims.sub = record.sub;
    claims.aud = audienceOf(record.apiIds, record.clientId);
    claims.iat = seconds(record.iat);
    claims.exp = seconds(record.exp);
    return claims;
  }
}
