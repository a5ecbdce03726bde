import { Controller, Delete, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bearerToken } from './bearer-tokens.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { RegistrationError } from './registration-error.js';
import { RegistrationService } from './registration.service.js';

/** RFC 7591 registration endpoint and RFC 7592 client configuration endpoint. */
@Controller('oauth/register')
export class RegistrationController {
  constructor(private readonly registration: RegistrationService) {}

  @Post()
  register(@Req() request: Request, @Res() response: Response): Promise<void> {
    return answer(response, 201, async () => this.registration.register(bearerToken(request.headers.authorization), jsonBody(request)));
  }

  @Get(':clientId')
  read(@Param('clientId') clientId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return answer(response, 200, () => this.registration.read(clientId, bearerToken(request.headers.authorization)));
  }

  @Put(':clientId')
  update(@Param('clientId') clientId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return answer(response, 200, async () => {
      const token = bearerToken(request.headers.authorization);
      return this.registration.update(clientId, token, token === undefined ? undefined : jsonBody(request));
    });
  }

  @Delete(':clientId')
  remove(@Param('clientId') clientId: string, @Req() request: Request, @Res() response: Response): Promise<void> {
    return answer(response, 204, async () => {
      await this.registration.delete(clientId, bearerToken(request.headers.authorization));
      return undefined;
    });
  }
}

/** RFC 7591 §3: client metadata comes as JSON; anything else is unreadable metadata. */
function jsonBody(request: Request): unknown {
  if (!request.is('application/json')) throw RegistrationError.metadata('invalid_client_metadata', 'The request body must be application/json.');
  return request.body;
}

/** RFC 7591 §3.2: registration answers carry secrets and must not be cached. Unexpected errors go to the global filter. */
async function answer(response: Response, status: number, work: () => Promise<Record<string, unknown> | undefined>): Promise<void> {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  try {
    const body = await work();
    if (body === undefined) response.status(status).end();
    else response.status(status).json(body);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    response.status(error.status).set(error.headers).json(error.toBody());
  }
}
