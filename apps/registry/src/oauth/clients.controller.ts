import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type TokenSummary } from '@portcullis/contracts';
import type { OAuthClient } from '@portcullis/domain';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { jsonObject, optionalQueryString } from './admin-input.js';
import { oauthRefs } from './oauth-openapi.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });
const clientIdParam = ApiParam({ name: 'clientId', description: 'The client_id' });

/**
 * OAuth clients, kept by the auth service: this is the one admin API for them, forwarding over the
 * bus. The auth service validates and answers; its errors (status, code, fields) pass through as they are.
 */
@ApiTags('oauth clients')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth/clients')
export class OAuthClientsController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  // The answer carries the secret: no cache on the way may keep a copy.
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Create an OAuth client; the answer carries its secret, shown this once' })
  @ApiBody({ schema: oauthRefs.clientInput })
  @ApiResponse({ status: 201, description: 'The stored client with its secret (none for a public client)', schema: oauthRefs.clientWithSecret })
  @error(400, 'Malformed JSON, or invalid fields (each named in details)')
  @error(409, 'The client_id is taken')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<OAuthClientWithSecret> {
    return this.bus.request(subjects.authClientsCreate, { input: jsonObject(body) });
  }

  @Get()
  @ApiOperation({ summary: 'List OAuth clients (never their secrets)' })
  @ApiQuery({ name: 'api_id', required: false, description: 'Only the clients allowed to call this API' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: oauthRefs.client } })
  @error(400, 'api_id is repeated or empty')
  list(@Query('api_id') apiId: unknown): Promise<OAuthClient[]> {
    const filter = optionalQueryString(apiId, 'api_id');
    return this.bus.request(subjects.authClientsList, filter === undefined ? {} : { api_id: filter });
  }

  @Get(':clientId')
  @ApiOperation({ summary: 'Get one OAuth client (never its secret)' })
  @clientIdParam
  @ApiResponse({ status: 200, schema: oauthRefs.client })
  @error(404, 'No client has this id')
  get(@Param('clientId') clientId: string): Promise<OAuthClient> {
    return this.bus.request(subjects.authClientsGet, { client_id: clientId });
  }

  @Put(':clientId')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Replace an OAuth client (its secret stays: rotate it separately; a client_id in the body must match the URL)' })
  @clientIdParam
  @ApiBody({ schema: oauthRefs.clientInput })
  @ApiResponse({ status: 200, description: 'The stored client', schema: oauthRefs.client })
  @error(400, 'Malformed JSON, invalid fields, a client_secret, or a client_id that differs from the URL')
  @error(404, 'No client has this id')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  update(@Param('clientId') clientId: string, @Body() body: unknown): Promise<OAuthClient> {
    return this.bus.request(subjects.authClientsUpdate, { client_id: clientId, input: jsonObject(body) });
  }

  @Delete(':clientId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an OAuth client and revoke every token it holds' })
  @clientIdParam
  @ApiResponse({ status: 204, description: 'Deleted; its tokens are revoked' })
  @error(404, 'No client has this id')
  async remove(@Param('clientId') clientId: string): Promise<void> {
    await this.bus.request(subjects.authClientsDelete, { client_id: clientId });
  }

  @Post(':clientId/rotate-secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Give the client a new secret, shown this once; the old one stops working at once' })
  @clientIdParam
  @ApiResponse({ status: 200, description: 'The client with its new secret', schema: oauthRefs.clientWithSecret })
  @error(400, 'The client is public (token_endpoint_auth_method none): it has no secret')
  @error(404, 'No client has this id')
  rotateSecret(@Param('clientId') clientId: string): Promise<OAuthClientWithSecret> {
    return this.bus.request(subjects.authClientsRotateSecret, { client_id: clientId });
  }

  @Delete(':clientId/lockout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Lift the brute-force lock that failed secrets put on this client_id (docs/oauth.md "Brute-force throttles"); a secret rotation lifts it too',
  })
  @clientIdParam
  @ApiResponse({ status: 204, description: 'Unlocked; failures count again from zero' })
  @error(404, 'No client has this id')
  async unlock(@Param('clientId') clientId: string): Promise<void> {
    await this.bus.request(subjects.authClientsUnlock, { client_id: clientId });
  }

  @Get(':clientId/tokens')
  @ApiOperation({ summary: 'The tokens issued to the client (never the tokens themselves)' })
  @clientIdParam
  @ApiResponse({ status: 200, schema: { type: 'array', items: oauthRefs.tokenSummary } })
  @error(404, 'No client has this id')
  tokens(@Param('clientId') clientId: string): Promise<TokenSummary[]> {
    return this.bus.request(subjects.authClientsTokens, { client_id: clientId });
  }
}
