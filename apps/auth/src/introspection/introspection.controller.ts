import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { noStore, OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { parseForm, required } from '../oauth-forms/form-body.js';
import { TokenLookup } from '../tokens/token-lookup.js';

type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/**
 * RFC 7662 token introspection, for authenticated clients (resource servers). Access tokens are
 * checked with our own keys and then against the revoked set; refresh tokens only for the client
 * that holds them. Anything else, valid or not, is just `{active: false}` (§2.2).
 */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class IntrospectionController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly tokens: TokenLookup,
  ) {}

  @Post('introspect')
  @HttpCode(200)
  async introspect(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<Introspection> {
    noStore(response);
    const params = parseForm(request.headers['content-type'], request.body);
    const client = await this.clients.authenticate({ headers: request.headers, body: params });
    const found = await this.tokens.find(required(params, 'token'), params.get('token_type_hint'));
    const now = Date.now();
    if (found?.kind === 'access_token') {
      const { record, claims } = found;
      if (record.revokedAt !== null || record.exp.getTime() <= now) return { active: false };
      return {
        active: true,
        token_type: 'Bearer',
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: record.jti,
        iat: seconds(record.iat),
        exp: seconds(record.exp),
        pol: claims.pol,
      };
    }
    if (found?.kind === 'refresh_token') {
      const { record } = found;
      const usable = record.usedAt === null && record.revokedAt === null && record.expiresAt.getTime() > now;
      if (!usable || record.clientId !== client.client_id) return { active: false };
      return {
        active: true,
        token_type: 'refresh_token',
        scope: record.scope,
        client_id: record.clientId,
        sub: record.sub,
        iat: seconds(record.createdAt),
        exp: seconds(record.expiresAt),
      };
    }
    return { active: false };
  }
}
