import { Controller, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { noStore, OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { parseForm, required } from '../oauth-forms/form-body.js';
import { RevocationService } from './revocation.service.js';

/** RFC 7009 revocation endpoint: 200 with an empty body, whether or not the token was known. */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class RevocationController {
  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly revocation: RevocationService,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    noStore(response);
    const params = parseForm(request.headers['content-type'], request.body);
    const client = await this.clients.authenticate({ headers: request.headers, body: params });
    await this.revocation.revoke(client.client_id, required(params, 'token'), params.get('token_type_hint'));
    return '';
  }
}
