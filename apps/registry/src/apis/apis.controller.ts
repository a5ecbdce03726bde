import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import { compatibilityReport, type ApiDefinition, type CompatibilityReport } from '@portcullis/domain';
import { AdminGuard } from '../http/admin.guard.js';
import { ApisService } from './apis.service.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { apiDefinitionRef, compatibilitySchema, errorBodyRef } from '../openapi.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** The native admin API for API definitions. */
@ApiTags('apis')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/apis')
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Create an API definition (api_id is generated when absent)' })
  @ApiBody({ schema: apiDefinitionRef })
  @ApiResponse({ status: 201, description: 'The stored definition', schema: apiDefinitionRef })
  @error(400, 'Malformed JSON, or invalid fields (each named in details)')
  @error(409, 'The api_id, or the listen path on this domain, is already used')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  create(@Body() body: unknown): Promise<ApiDefinition> {
    return this.apis.create(body);
  }

  @Get()
  @ApiOperation({ summary: 'List every API definition' })
  @ApiResponse({ status: 200, schema: { type: 'array', items: apiDefinitionRef } })
  list(): Promise<ApiDefinition[]> {
    return this.apis.list();
  }

  @Get(':apiId')
  @ApiOperation({ summary: 'Get one API definition' })
  @ApiParam({ name: 'apiId' })
  @ApiResponse({ status: 200, schema: apiDefinitionRef })
  @error(404, 'No API has this id')
  get(@Param('apiId') apiId: string): Promise<ApiDefinition> {
    return this.apis.get(apiId);
  }

  @Get(':apiId/compatibility')
  @ApiOperation({
    summary:
      "The API's compatibility report: which of its Tyk fields Portcullis enforces, which it keeps but ignores (never one that would widen access), which it refuses",
  })
  @ApiParam({ name: 'apiId' })
  @ApiResponse({ status: 200, schema: compatibilitySchema })
  @error(404, 'No API has this id')
  async compatibility(@Param('apiId') apiId: string): Promise<CompatibilityReport> {
    return compatibilityReport(await this.apis.get(apiId));
  }

  @Put(':apiId')
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: 'Replace an API definition (the id in the URL wins; a different api_id in the body is refused)' })
  @ApiParam({ name: 'apiId' })
  @ApiBody({ schema: apiDefinitionRef })
  @ApiResponse({ status: 200, description: 'The stored definition', schema: apiDefinitionRef })
  @error(400, 'Malformed JSON, invalid fields, or an api_id that differs from the URL')
  @error(404, 'No API has this id')
  @error(409, 'The listen path on this domain is used by another API')
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  update(@Param('apiId') apiId: string, @Body() body: unknown): Promise<ApiDefinition> {
    return this.apis.update(apiId, body);
  }

  @Delete(':apiId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an API definition' })
  @ApiParam({ name: 'apiId' })
  @ApiResponse({ status: 204, description: 'Deleted' })
  @error(404, 'No API has this id')
  async remove(@Param('apiId') apiId: string): Promise<void> {
    await this.apis.remove(apiId);
  }
}
