import { Body, Controller, Header, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects, type InitialAccessTokenReply, type InitialAccessTokenRequest } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { errorBodyRef } from '../openapi.js';
import { jsonObject } from './admin-input.js';
import { oauthRefs } from './oauth-openapi.js';
import { OptionalJsonBodyGuard } from './optional-json-body.guard.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** RFC 7591 §3: admins hand these to developers, who then register their own clients at the auth service. */
@ApiTags('oauth dynamic registration')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth/initial-access-tokens')
export class InitialAccessTokensController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @HttpCode(201)
  @UseGuards(OptionalJsonBodyGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Issue an initial access token for POST /oauth/register on the auth service (shown once)' })
  @ApiBody({ schema: oauthRefs.initialAccessTokenRequest, required: false })
  @ApiResponse({ status: 201, schema: oauthRefs.initialAccessToken })
  @error(400, 'Malformed JSON, or invalid fields (each named in details)')
  @error(413, 'The body is too large')
  @error(415, 'A body was sent that is not application/json')
  create(@Body() body: unknown): Promise<InitialAccessTokenReply> {
    const { expires_in, uses, api_ids, policy_ids } = jsonObject(body, { optional: true });
    return this.bus.request(subjects.authInitialAccessTokensCreate, { expires_in, uses, api_ids, policy_ids } as InitialAccessTokenRequest);
  }
}
