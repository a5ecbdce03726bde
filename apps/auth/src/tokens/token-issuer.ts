import { Inject, Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { defaultIdTokenSigningAlg, type OAuthClient } from '@portcullis/domain';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';
import { Issuer } from '../issuer.js';
import { publishInBackground } from '../events/publish.js';
import { signCompact } from '../keys/compact-jws.js';
import { SigningKeys } from '../keys/signing-keys.service.js';
import type { AccessTokenRecord } from '../storage/access-token.entity.js';
import type { RefreshTokenRecord } from '../storage/refresh-token.entity.js';
import { userClaims } from '../claims/served-claims.js';
import { UserStore } from '../storage/user-store.js';
import { signIdToken, type OpenIdContext } from './id-token.js';
import { newOpaqueToken } from './opaque-token.js';
import { randomTokenId } from './random-id.js';
import { TokenStore } from '../storage/token-store.js';
import { scopeTokens } from '../scope/scope.js';
import type { TokenResponse } from './token-response.js';

export interface IssueInput {
  client: OAuthClient;
  /** The resource owner, or the client itself for client_credentials. */
  sub: string;
  /** Space-separated, already checked against what the client may have. */
  scope: string;
  apiIds: readonly string[];
  withRefresh: boolean;
  /** The grant family (authorization code / refresh chain) the tokens belong to; new when absent. */
  family?: string;
  /**
   * The refresh token's scope when it differs from the access token's: after a narrowing refresh the
   * new refresh token keeps the original scope (RFC 6749 §6).
   */
  refreshScope?: string;
  /**
   * The hash of the refresh token this issuance replaces (a refresh exchange): spent in the same
   * transaction that records the new tokens; if another exchange spent it first, RefreshTokenSpent
   * is thrown and nothing is issued.
   */
  spends?: Buffer;
  /** An API's own access-token lifetime, which wins over the client's and the default. */
  accessTokenTtl?: number;
  /** Likewise for the refresh token. */
  refreshTokenTtl?: number;
  /** For a grant from a user's sign-in (code, refresh): an ID Token is issued when `scope` has `openid`. */
  openid?: OpenIdContext;
}

export function hashToken(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** RFC 9068 §3: `aud` names the resource server(s): the APIs the token is for, else the client. */
export function audienceOf(apiIds: readonly string[], clientId: string): string | string[] {
  return apiIds.length === 0 ? clientId : apiIds.length === 1 ? apiIds[0]! : [...apiIds];
}

/**
 * Issues access tokens, RFC 9068 JWTs (ES256, `typ: at+jwt`) or, for clients that ask for them,
 * opaque ones (checked by introspection), opaque refresh tokens, and ID Tokens (RS256 or ES256, per
 * client) for an `openid` grant from a sign-in; records them,
 * and announces each issuance on the bus (without making the response wait for it).
 */
@Injectable()
export class TokenIssuer {
  private readonly logger = new Logger(TokenIssuer.name);

  constructor(
    private readonly keys: SigningKeys,
    private readonly store: TokenStore,
    private readonly issuer: Issuer,
    private readonly bus: Bus,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
    private readonly users: UserStore,
  ) {}

  async issue(input: IssueInput): Promise<TokenResponse> {
    const { client } = input;
    const now = Math.floor(Date.now() / 1000);
    const accessTtl = input.accessTokenTtl ?? client.access_token_ttl ?? this.config.oauth.accessTokenTtl;
    const exp = now + accessTtl;
    const jti = randomTokenId();
    const familyId = input.family ?? randomUUID();
    const apiIds = [...input.apiIds];
    const aud = audienceOf(apiIds, client.client_id);

    let accessToken: string;
    let kid: string | null = null;
    let tokenHash: Buffer | null = null;
    if (client.access_token_format === 'opaque') {
      accessToken = newOpaqueToken();
      tokenHash = hashToken(accessToken);
    } else {
      const signing = this.keys.signingKey();
      kid = signing.kid;
      // Claim order as jose's SignJWT wrote it: the private claims, then iss, sub, aud, iat, exp.
      const claims: Record<string, unknown> = { client_id: client.client_id, jti, pol: client.policy_ids };
      if (input.scope !== '') claims.scope = input.scope;
      claims.iss = this.issuer.value;
      claims.sub = input.sub;
      claims.aud = aud;
      claims.iat = now;
      claims.exp = exp;
      accessToken = signCompact(signing.header, claims, signing.key);
    }

    const access: AccessTokenRecord = {
      jti,
      clientId: client.client_id,
      sub: input.sub,
      scope: input.scope,
      apiIds,
      kid,
      tokenHash,
      policyIds: client.policy_ids,
      familyId,
      iat: new Date(now * 1000),
      exp: new Date(exp * 1000),
      revokedAt: null,
      claims: input.openid?.claims ?? null,
    };
    let refreshToken: string | undefined;
    let refresh: RefreshTokenRecord | null = null;
    if (input.withRefresh) {
      refreshToken = randomBytes(32).toString('base64url');
      const refreshTtl = input.refreshTokenTtl ?? client.refresh_token_ttl ?? this.config.oauth.refreshTokenTtl;
      refresh = {
        tokenHash: hashToken(refreshToken),
        familyId,
        clientId: client.client_id,
        sub: input.sub,
        scope: input.refreshScope ?? input.scope,
        apiIds,
        createdAt: new Date(now * 1000),
        expiresAt: new Date((now + refreshTtl) * 1000),
        usedAt: null,
        revokedAt: null,
        authTime: input.openid?.authTime ?? null,
        claims: input.openid?.claims ?? null,
      };
    }
    await this.store.recordIssued(access, refresh, input.spends);
    publishInBackground(this.bus, subjects.authTokenIssued, { jti, client_id: client.client_id, sub: input.sub, exp, api_ids: apiIds }, this.logger);

    const response: TokenResponse = { access_token: accessToken, token_type: 'Bearer', expires_in: accessTtl };
    if (input.scope !== '') response.scope = input.scope;
    if (refreshToken) response.refresh_token = refreshToken;
    if (input.openid && scopeTokens(input.scope).includes('openid')) {
      const signing = this.keys.signingKeyFor(client.id_token_signed_response_alg ?? defaultIdTokenSigningAlg);
      const userClaims = await this.requestedUserClaims(input.sub, input.openid.claims?.id_token ?? []);
      response.id_token = signIdToken(
        { ...input.openid, userClaims, issuer: this.issuer.value, sub: input.sub, clientId: client.client_id, accessToken, now, lifetimeSeconds: accessTtl },
        signing,
      );
    }
    return response;
  }

  /** The user's claims the ID Token was asked to carry (OIDC Core §5.5), as far as the user holds them. */
  private async requestedUserClaims(sub: string, names: readonly string[]): Promise<Record<string, unknown> | undefined> {
    if (names.length === 0) return undefined;
    const user = await this.users.find(sub);
    if (!user) return undefined;
    const claims = userClaims(user, names);
    delete claims.sub;
    return claims;
  }
}
