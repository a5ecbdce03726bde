import { Controller, Delete, Get, HttpCode, Param, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects, type ConsentSummary, type LoginSessionSummary } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { errorBodyRef } from '../openapi.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });
const userParam = ApiParam({ name: 'id', description: 'The user id (a UUID)' });

const sessionSchema = {
  type: 'object',
  required: ['id', 'user_id', 'auth_time', 'amr', 'expires_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    user_id: { type: 'string' },
    auth_time: { type: 'string', format: 'date-time', description: 'When the user entered the password' },
    amr: { type: 'array', items: { type: 'string' } },
    expires_at: { type: 'string', format: 'date-time' },
  },
};
const consentSchema = {
  type: 'object',
  required: ['user_id', 'client_id', 'scope', 'granted_at'],
  properties: { user_id: { type: 'string' }, client_id: { type: 'string' }, scope: { type: 'string' }, granted_at: { type: 'string', format: 'date-time' } },
};
const revokedSchema = { type: 'object', required: ['revoked'], properties: { revoked: { type: 'integer' } } };

/**
 * A user's login sessions at the auth service (the sign-in cookie of its login page) and the consents
 * they gave clients: listed and revoked by an admin, over the bus (docs/openid-connect.md).
 */
@ApiTags('oauth users')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth/users/:id')
export class OAuthUserSessionsController {
  constructor(private readonly bus: Bus) {}

  @Get('sessions')
  @userParam
  @ApiOperation({ summary: "List a user's live login sessions (never their cookies)" })
  @ApiResponse({ status: 200, schema: { type: 'array', items: sessionSchema } })
  listSessions(@Param('id') id: string): Promise<LoginSessionSummary[]> {
    return this.bus.request(subjects.authSessionsList, { user_id: id });
  }

  @Delete('sessions')
  @userParam
  @ApiOperation({ summary: 'End every login session of a user: their next authorization request asks for the password' })
  @ApiResponse({ status: 200, schema: revokedSchema })
  revokeSessions(@Param('id') id: string): Promise<{ revoked: number }> {
    return this.bus.request(subjects.authSessionsRevoke, { user_id: id });
  }

  @Delete('sessions/:sessionId')
  @HttpCode(204)
  @userParam
  @ApiParam({ name: 'sessionId', description: 'The session id (from the list)' })
  @ApiResponse({ status: 204, description: 'Ended' })
  @error(404, 'The user has no live session with this id')
  @ApiOperation({ summary: 'End one login session of a user' })
  async revokeSession(@Param('id') id: string, @Param('sessionId') sessionId: string): Promise<void> {
    await this.bus.request(subjects.authSessionsRevoke, { user_id: id, id: sessionId });
  }

  @Get('consents')
  @userParam
  @ApiOperation({ summary: 'List the scopes a user approved, per client' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: consentSchema } })
  listConsents(@Param('id') id: string): Promise<ConsentSummary[]> {
    return this.bus.request(subjects.authConsentsList, { user_id: id });
  }

  @Delete('consents')
  @userParam
  @ApiOperation({ summary: "Forget every consent of a user: each client's next request shows the consent page" })
  @ApiResponse({ status: 200, schema: revokedSchema })
  revokeConsents(@Param('id') id: string): Promise<{ revoked: number }> {
    return this.bus.request(subjects.authConsentsRevoke, { user_id: id });
  }

  @Delete('consents/:clientId')
  @HttpCode(204)
  @userParam
  @ApiParam({ name: 'clientId', description: 'The client whose consent is forgotten' })
  @ApiResponse({ status: 204, description: 'Forgotten' })
  @error(404, 'The user gave this client no consent')
  @ApiOperation({ summary: "Forget a user's consent for one client" })
  async revokeConsent(@Param('id') id: string, @Param('clientId') clientId: string): Promise<void> {
    await this.bus.request(subjects.authConsentsRevoke, { user_id: id, client_id: clientId });
  }
}
