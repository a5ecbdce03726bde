import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
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
  @error(400, 'Malformed JSON, or an invalid username or password (named in details)')
  @error(409, 'The username is taken')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<UserSummary> {
    // Only these two travel on: nothing else the caller sent reaches the auth service. Their types are its to check.
    const { username, password } = jsonObject(body);
    return this.bus.request(subjects.authUsersCreate, { username, password } as UserCreateRequest);
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
