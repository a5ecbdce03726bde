import { Controller, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthErrorFilter } from '../oauth-errors/oauth-error.filter.js';
import { IntrospectionEndpoint } from './introspection-endpoint.js';

/**
 * RFC 7662 token introspection over HTTP; the work is IntrospectionEndpoint's. This door takes every
 * request the fast one (token-http.ts: plain forms straight off node:http) leaves to Express
 * (chunked, compressed, other types, odd paths), so their limits and errors stay Express's.
 */
@Controller('oauth')
@UseFilters(OAuthErrorFilter)
export class IntrospectionController {
  constructor(private readonly endpoint: IntrospectionEndpoint) {}

  @Post('introspect')
  async introspect(@Req() request: Request, @Res() response: Response): Promise<void> {
    const answer = await this.endpoint.handle({
      contentType: request.headers['content-type'],
      authorization: request.headers.authorization,
      body: request.body,
    });
    response.status(answer.status).set(answer.headers).send(answer.body);
  }
}
