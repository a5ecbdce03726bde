import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * RFC 6749 §3.2 token endpoint over HTTP; the work is TokenEndpoint's. One of three doors to it, each
 * for a reason: this one takes every request the fast door (token-http.ts, plain forms straight off
 * node:http, the service's hot path) leaves to Express (chunked, compressed, other types, odd paths),
 * so their limits and errors stay Express's; the bus door (token.messages.ts) is a gateway's
 * `{listen_path}/oauth/token/`, with the API it came through.
 */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post('token')
  async token(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.endpoint.handle({
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      body: request.body,
    });
    response.status(answer.status).set(answer.headers).send(answer.body);
  }
}
