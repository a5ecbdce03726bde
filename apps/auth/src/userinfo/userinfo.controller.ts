import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { scopeTokens } from '../scope/scope.js';
import { noStore, OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { parseForm } from '../oauth-forms/form-body.js';
import { bearerToken } from '../registration/bearer-tokens.js';
import { UserStore } from '../storage/user-store.js';
import { TokenLookup } from '../tokens/token-lookup.js';
import { bearerError } from './bearer-challenge.js';
import { claimsOfScopes, userClaims } from '../claims/served-claims.js';

const refused = () => bearerError('invalid_token', 'The access token is invalid, expired or revoked');

/**
 * OIDC Core §5.3 UserInfo: the signed-in user's claims for an access token granted `openid`, as plain
 * JSON (a client asking for a signed answer, `userinfo_signed_response_alg`, is refused at
 * registration: TLS already authenticates this answer to the one client that asks for it). The
 * token comes as `Authorization: Bearer` or, on POST, as the form's `access_token` (RFC 6750 §2.1,
 * §2.2), never both. Found like introspection finds it (our signature or its hash, then the row), so a
 * revoked or expired one is refused, and an ID Token (typ JWT, not at+jwt) is no access token at all.
 */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class UserinfoController {
  constructor(
    private readonly tokens: TokenLookup,
    private readonly users: UserStore,
  ) {}

  @Get('userinfo')
  get(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Record<string, unknown>> {
    noStore(response);
    return this.answer(this.fromHeader(request.headers.authorization, undefined));
  }

  @Post('userinfo')
  @HttpCode(200)
  post(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Record<string, unknown>> {
    noStore(response);
    const contentType = request.headers['content-type'];
    const inBody = contentType === undefined ? undefined : parseForm(contentType, request.body).get('access_token');
    return this.answer(this.fromHeader(request.headers.authorization, inBody));
  }

  private fromHeader(authorization: string | undefined, inBody: string | undefined): string {
    if (authorization !== undefined) {
      if (inBody !== undefined) throw bearerError('invalid_request', 'The access token was sent more than one way');
      const token = bearerToken(authorization);
      if (token === undefined) throw bearerError('invalid_request', 'The Authorization header is not a Bearer token');
      return token;
    }
    if (inBody === undefined) throw bearerError(undefined, 'This endpoint needs an access token (Authorization: Bearer)');
    return inBody;
  }

  private async answer(token: string): Promise<Record<string, unknown>> {
    const found = await this.tokens.accessToken(token);
    if (!found) throw refused();
    const { record } = found;
    if (record.revokedAt !== null || record.exp.getTime() <= Date.now()) throw refused();
    const scopes = new Set(scopeTokens(record.scope));
    if (!scopes.has('openid')) throw bearerError('insufficient_scope', 'The access token was not granted the openid scope', 'openid');
    // Any subject but a user's (a client's own token, a gateway's user approved over the bus) is
    // nobody this service can describe.
    const user = await this.users.find(record.sub);
    if (!user || user.disabled) throw refused();
    // The granted scopes' claims (OIDC Core §5.4) and those the request asked for by name (§5.5).
    return userClaims(user, [...claimsOfScopes(scopes), ...(record.claims?.userinfo ?? [])]);
  }
}
