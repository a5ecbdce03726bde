import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { DebugSession } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { MAX_DEBUG_SESSION_SECONDS } from './debug-session-input.js';
import { DebugSessionsService } from './debug-sessions.service.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

const sessionSchema = {
  type: 'object',
  required: ['id', 'created_at', 'expires_at'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    identity: { type: 'string', description: 'The caller, as the usage API reports it: a SHA-256 hash (of the key, for keys); absent for a client session' },
    oauth_client_id: { type: 'string', description: 'The OAuth client, for a client session' },
    created_at: { type: 'integer', description: 'Milliseconds since the epoch' },
    expires_at: { type: 'integer', description: 'Milliseconds since the epoch: the gateways stop keeping the caller’s requests then' },
  },
  example: {
    id: '6f1c2a4e-2b7d-4c55-9a0e-3f5d1b2c4a6e',
    identity: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    created_at: 1767225600000,
    expires_at: 1767226500000,
  },
};

/**
 * Debug sessions: every request of one caller kept as a request log (analytics_request_logs) for a
 * while, on every gateway, whatever the APIs' own request-log settings.
 */
@ApiTags('analytics')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/analytics/debug-sessions')
export class DebugSessionsController {
  constructor(private readonly sessions: DebugSessionsService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({
    summary: `Keep every request of one caller as a request log for up to ${MAX_DEBUG_SESSION_SECONDS / 60} minutes (a key, an identity hash or an OAuth client)`,
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['duration_seconds'],
      description: 'Exactly one of key, identity and oauth_client_id',
      properties: {
        key: { type: 'string', description: 'An API key (hashed here as the gateway hashes it; never stored or shown again)' },
        identity: { type: 'string', pattern: '^[0-9a-fA-F]{64}$', description: 'An identity as the usage API reports it (a SHA-256 hash)' },
        oauth_client_id: { type: 'string', description: 'Every token of this OAuth client' },
        duration_seconds: { type: 'integer', minimum: 1, maximum: MAX_DEBUG_SESSION_SECONDS },
      },
      example: { key: 'the-key-of-the-caller', duration_seconds: 900 },
    },
  })
  @ApiResponse({ status: 201, description: 'The session, as the gateways apply it', schema: sessionSchema })
  @error(
    400,
    'Malformed JSON, or an invalid field (each named in details): no caller or two, a key or identity of the wrong form, a duration outside 1..3600 s',
  )
  @error(415, 'The body is not application/json')
  start(@Body() body: unknown): Promise<DebugSession> {
    return this.sessions.start(body);
  }

  @Get()
  @ApiOperation({ summary: 'The debug sessions not yet ended' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: sessionSchema } })
  list(): Promise<DebugSession[]> {
    return this.sessions.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'End a debug session now: the gateways stop keeping the caller’s requests' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 204, description: 'Cancelled' })
  @error(404, 'No open debug session has this id')
  async cancel(@Param('id') id: string): Promise<void> {
    await this.sessions.cancel(id);
  }
}
