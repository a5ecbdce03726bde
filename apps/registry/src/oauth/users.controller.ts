import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects, type UserCreateRequest, type UserSummary } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { jsonObject } from './admin-input.js';
import { oauthRefs } from './oauth-openapi.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** Resource owners of the auth service's login page and password grant, managed over the bus. */
@ApiTags('oauth users')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth/users')
export class OAuthUsersController {
  constructor(private readonly bus: Bus) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Create a user (the password is stored as a slow hash and never shown again)' })
  @ApiBody({ schema: oauthRefs.userInput })
  @ApiResponse({ status: 201, schema: oauthRefs.user })
  @error(400, 'Malformed JSON, or an invalid username, password or claim, or an unknown field (each named in details)')
  @error(409, 'The username is taken')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<UserSummary> {
    // The account's two fields, and the rest as the user's claims: the auth service checks every type
    // and refuses a field that is no standard claim.
    const { username, password, ...claims } = jsonObject(body);
    return this.bus.request(subjects.authUsersCreate, { username, password, claims } as UserCreateRequest);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get a user, with its OpenID Connect standard claims' })
  @ApiParam({ name: 'id', description: 'The user id (a UUID)' })
  @ApiResponse({ status: 200, schema: oauthRefs.user })
  @error(404, 'No user has this id')
  get(@Param('id') id: string): Promise<UserSummary> {
    return this.bus.request(subjects.authUsersGet, { id });
  }

  @Patch(':id')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({
    summary: "Change a user's OpenID Connect standard claims (each claim given replaces the old value, null removes it, one left out stays)",
  })
  @ApiParam({ name: 'id', description: 'The user id (a UUID)' })
  @ApiBody({ schema: oauthRefs.userClaimsPatch })
  @ApiResponse({ status: 200, schema: oauthRefs.user })
  @error(400, 'Malformed JSON, or an invalid claim or a field that is no standard claim (each named in details)')
  @error(404, 'No user has this id')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  update(@Param('id') id: string, @Body() body: unknown): Promise<UserSummary> {
    return this.bus.request(subjects.authUsersUpdate, { id, claims: jsonObject(body) });
  }

  @Get()
  @ApiOperation({ summary: 'List users' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: oauthRefs.user } })
  list(): Promise<UserSummary[]> {
    return this.bus.request(subjects.authUsersList, {});
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user' })
  @ApiParam({ name: 'id', description: 'The user id (a UUID)' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No user has this id')
  async remove(@Param('id') id: string): Promise<void> {
    await this.bus.request(subjects.authUsersDelete, { id });
  }

  @Delete(':id/lockout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Lift the brute-force lock that failed passwords put on this user\'s logins (docs/oauth.md "Brute-force throttles")' })
  @ApiParam({ name: 'id', description: 'The user id (a UUID)' })
  @ApiResponse({ status: 204, description: 'Unlocked; failures count again from zero' })
  @error(404, 'No user has this id')
  async unlock(@Param('id') id: string): Promise<void> {
    await this.bus.request(subjects.authUsersUnlock, { id });
  }
}
