import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { errorBodyRef } from '../openapi.js';
import { oauthRefs } from './oauth-openapi.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** The auth service's token-signing keys: rotating now, besides its own schedule. */
@ApiTags('oauth signing keys')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth/keys')
export class SigningKeysController {
  constructor(private readonly bus: Bus) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Start signing with a new key now; the JWKS keeps the old public key while tokens it signed are valid' })
  @ApiResponse({ status: 200, schema: oauthRefs.rotatedKey })
  rotate(): Promise<{ kid: string }> {
    return this.bus.request(subjects.authKeysRotate, {});
  }
}
