import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Bus } from '@portcullis/bus';
import { subjects, type OAuth1Consumer, type OAuth1ConsumerCreateRequest, type OAuth1TokenCreateRequest, type OAuth1TokenRecord } from '@portcullis/contracts';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { jsonObject } from './admin-input.js';
import { oauthRefs } from './oauth-openapi.js';
import { OptionalJsonBodyGuard } from './optional-json-body.guard.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/**
 * OAuth 1.0a credentials (RFC 5849) for APIs with `use_oauth1`: consumers, and token credentials
 * carrying a session, issued by the auth service over the bus. Secrets are in the creating answer only.
 */
@ApiTags('oauth1')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@error(503, 'The auth service cannot be reached')
@Controller('admin/oauth1/consumers')
export class OAuth1Controller {
  constructor(private readonly bus: Bus) {}

  @Post()
  @HttpCode(201)
  @UseGuards(OptionalJsonBodyGuard)
  @ApiOperation({ summary: 'Create a consumer: its key and secret (the secret is shown once, stored encrypted)' })
  @ApiBody({ required: false, schema: oauthRefs.oauth1ConsumerInput })
  @ApiResponse({ status: 201, schema: oauthRefs.oauth1Consumer })
  @error(400, 'Malformed JSON, or a field of the wrong type (named in details)')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<OAuth1Consumer> {
    // Only these travel on; their types are the auth service's to check.
    const { name, org_id } = jsonObject(body, { optional: true });
    return this.bus.request(subjects.authOAuth1ConsumersCreate, { name, org_id } as OAuth1ConsumerCreateRequest);
  }

  @Post(':consumerKey/tokens')
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Issue token credentials for a consumer, with the session they carry (policies, limits, expiry); the token secret is shown once' })
  @ApiParam({ name: 'consumerKey', description: 'The consumer key' })
  @ApiBody({ schema: oauthRefs.oauth1TokenInput })
  @ApiResponse({ status: 201, schema: oauthRefs.oauth1Token })
  @error(400, 'Malformed JSON, or an invalid session (every problem named in details)')
  @error(404, 'No consumer has this key')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  issueToken(@Param('consumerKey') consumerKey: string, @Body() body: unknown): Promise<OAuth1TokenRecord> {
    const { session, key_expires_in } = jsonObject(body);
    return this.bus.request(subjects.authOAuth1TokensCreate, { consumer_key: consumerKey, session: session ?? {}, key_expires_in } as OAuth1TokenCreateRequest);
  }
}
