import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { Grants } from '../grants/grants.js';
import { noStore, OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import type { TokenResponse } from '../tokens/token-response.js';
import { parseForm, required } from './form-body.js';

/** RFC 6749 §3.2 token endpoint. */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class TokenController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly grants: Grants,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<TokenResponse> {
    noStore(response);
    const params = parseForm(request.headers['content-type'], request.body);
    const grantType = required(params, 'grant_type');
    const client = await this.clients.authenticate({ headers: request.headers, body: params });
    const grant = this.grants.get(grantType);
    if (!grant) throw new OAuthError('unsupported_grant_type', `The grant type ${grantType} is not supported`);
    if (!client.grant_types.includes(grant.grantType)) throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant`);
    return grant.handler({ client, params });
  }
}
