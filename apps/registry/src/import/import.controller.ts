import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { AdminGuard } from '../apis/admin.guard.js';
import { JsonBodyGuard } from '../apis/json-body.guard.js';
import { apiDefinitionRef, errorBodyRef } from '../openapi.js';
import { policyRefs } from '../policies/policies-openapi.js';
import { apiItems, policyItems, type ImportBatch, type ImportError } from './import-items.js';
import { ImporterService, type ImportReport } from './importer.service.js';

const reportSchema = {
  type: 'object',
  required: ['created', 'updated', 'unchanged', 'errors'],
  properties: {
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['source', 'field', 'message'], properties: { source: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** Imports a Tyk file-based setup through the admin API, as `IMPORT_POLICIES_FILE`/`IMPORT_APIS_DIR` do at start. */
@ApiTags('import')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin/import')
export class ImportController {
  constructor(private readonly importer: ImporterService) {}

  @Post()
  @HttpCode(200)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({
    summary: 'Import policies (a Tyk policies.json: an object keyed by id, or an array) and classic API definitions; all or nothing, repeatable',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        policies: { oneOf: [{ type: 'object', additionalProperties: policyRefs.input }, { type: 'array', items: policyRefs.input }] },
        apis: { type: 'array', items: apiDefinitionRef },
      },
    },
  })
  @ApiResponse({ status: 200, description: 'What was created, updated and left unchanged', schema: reportSchema })
  @ApiResponse({ status: 400, description: 'Nothing was imported: the error body, plus the report with every error by source', schema: { allOf: [errorBodyRef, reportSchema] } })
  @ApiResponse({ status: 409, description: 'Nothing was imported: an API listens on a path another API uses', schema: { allOf: [errorBodyRef, reportSchema] } })
  @ApiResponse({ status: 401, description: 'The admin secret is missing or wrong', schema: errorBodyRef })
  run(@Body() body: unknown): Promise<ImportReport> {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new PortcullisError('validation_failed', undefined, [{ field: '(body)', message: 'must be an object with policies and/or apis' }]);
    }
    const { policies, apis } = body as { policies?: unknown; apis?: unknown };
    const readPolicies = policies === undefined ? { items: [], errors: [] } : policyItems(policies, 'policies');
    const readApis = apis === undefined ? { items: [], errors: [] } : apiItems(apis, 'apis');
    const batch: ImportBatch = { policies: readPolicies.items, apis: readApis.items };
    const errors: ImportError[] = [...readPolicies.errors, ...readApis.errors];
    return this.importer.import(batch, errors);
  }
}
