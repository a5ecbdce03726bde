import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../../http/admin.guard.js';
import { JsonBodyGuard } from '../../http/json-body.guard.js';
import { errorBodyRef } from '../../openapi.js';
import type { DcrProvider } from './dcr-provider.js';
import { providerInputJsonSchema, providerJsonSchema } from './providers-openapi.js';
import { ProvidersService } from './providers.service.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** The admin API for the external OpenID providers the portal registers clients at (RFC 7591). */
@ApiTags('portal providers')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/portal/providers')
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Add a DCR provider (its discovery document is fetched and checked first)' })
  @ApiBody({ schema: providerInputJsonSchema })
  @ApiResponse({ status: 201, description: 'The stored provider', schema: providerJsonSchema })
  @error(
    400,
    'Invalid fields, or a discovery document without registration_endpoint, token_endpoint or jwks_uri, with another issuer, or without support for the chosen grant types (each named in details)',
  )
  @error(415, 'The body is not application/json')
  @error(502, 'provider_unavailable: the discovery document could not be fetched (down, no answer within 5 s, not 200 JSON)')
  create(@Body() body: unknown): Promise<DcrProvider> {
    return this.providers.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List the DCR providers' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: providerJsonSchema } })
  list(): Promise<DcrProvider[]> {
    return this.providers.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'Get one DCR provider' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 200, schema: providerJsonSchema })
  @error(404, 'No provider has this id')
  get(@Param('id') id: string): Promise<DcrProvider> {
    return this.providers.get(id);
  }

  @Put(':id')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Replace a DCR provider’s settings (discovered and checked again; clients already registered keep theirs)' })
  @ApiParam({ name: 'id' })
  @ApiBody({ schema: providerInputJsonSchema })
  @ApiResponse({ status: 200, description: 'The stored provider', schema: providerJsonSchema })
  @error(400, 'Invalid fields or an unusable discovery document (each problem named in details)')
  @error(404, 'No provider has this id')
  @error(415, 'The body is not application/json')
  @error(502, 'provider_unavailable: the discovery document could not be fetched')
  update(@Param('id') id: string, @Body() body: unknown): Promise<DcrProvider> {
    return this.providers.update(id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a DCR provider (refused while portal apps hold clients registered there)' })
  @ApiParam({ name: 'id' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No provider has this id')
  @error(409, 'Portal apps still hold clients registered at this provider')
  async remove(@Param('id') id: string): Promise<void> {
    await this.providers.remove(id);
  }
}
