import { Injectable } from '@nestjs/common';
import type { TokenIntrospection } from '@portcullis/contracts';
import { TokenLookup } from '../tokens/token-lookup.js';

const INACTIVE: TokenIntrospection = Object.freeze({ active: false });
/** Far above any token we issue (a JWT is under 1 KiB): longer input is not looked at. */
const MAX_TOKEN_LENGTH = 4096;

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function list(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * `auth.tokens.introspect`, for gateways: what an access token grants (RFC 7662 names), or
 * `{active: false}` for anything else: unknown, forged, expired, revoked, a refresh token, or input
 * that is not a token at all. Never throws for the input's sake.
 */
@Injectable()
export class AccessTokenIntrospection {
  constructor(private readonly tokens: TokenLookup) {}

  async introspect(request: unknown, now = Date.now()): Promise<TokenIntrospection> {
    const token = (request as { token?: unknown } | null)?.token;
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) return INACTIVE;
    const found = await this.tokens.accessToken(token);
    if (found === null) return INACTIVE;
    const { record, claims } = found;
    if (record.revokedAt !== null || record.exp.getTime() <= now) return INACTIVE;
    return {
      active: true,
      jti: record.jti,
      client_id: record.clientId,
      sub: record.sub,
      scope: record.scope,
      aud: list(claims.aud),
      iss: typeof claims.iss === 'string' ? claims.iss : '',
      iat: seconds(record.iat),
      exp: seconds(record.exp),
      pol: list(claims.pol),
    };
  }
}
