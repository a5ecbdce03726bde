import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { TokenEndpoint } from './token-endpoint.js';

/** RFC 6749 §3.2 token endpoint over HTTP; the work is TokenEndpoint's, shared with the bus. */
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
