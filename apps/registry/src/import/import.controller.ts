import { Body, Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { apiDefinitionRef, compatibilitySchema, errorBodyRef } from '../openapi.js';
import { policyRefs } from '../policies/policies-openapi.js';
import { apiItems, policyItems, type ImportBatch, type ImportError } from './import-items.js';
import { ImporterService, type ImportReport } from './importer.service.js';

const reasonSchema = { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } };
const reportSchema = {
  type: 'object',
  required: ['dry_run', 'created', 'updated', 'unchanged', 'refused', 'errors', 'items'],
  properties: {
    dry_run: { type: 'boolean' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    unchanged: { type: 'integer' },
    refused: { type: 'integer' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['source', 'field', 'message'],
        properties: { source: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } },
      },
    },
    items: {
      type: 'array',
      description: 'Each item: what became of it (or, in a dry run, would), with every reason when refused',
      items: {
        type: 'object',
        required: ['kind', 'source', 'outcome'],
        properties: {
          kind: { type: 'string', enum: ['policy', 'api', 'file'] },
          source: { type: 'string', description: 'The file (and key or index) the item came from' },
          id: { type: 'string' },
          outcome: { type: 'string', enum: ['created', 'updated', 'unchanged', 'refused'] },
          reasons: { type: 'array', items: reasonSchema },
          compatibility: { ...compatibilitySchema, description: 'API definitions, in a dry run: what is enforced, ignored and refused' },
        },
      },
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
    description:
      'The bulk path: an upsert by id (policy id, api_id; both required), so sending the same body again changes nothing. ' +
      'Every item is validated, and any refused item (400 with every error, by source such as apis[3] and field; 409 for a listen path ' +
      'another API holds) rejects the whole import: nothing is written. The changes commit in one transaction and reach the gateways as ' +
      'registry.config.batch events (one per 256 KB of changes). The body may be up to IMPORT_MAX_BODY_BYTES (32 MiB by default). ' +
      "With dry_run=true nothing is written: the answer says, per item, what would be created, updated, left unchanged or refused (with every reason), and each API definition's compatibility report.",
  })
  @ApiQuery({ name: 'dry_run', required: false, type: Boolean, description: 'Plan only: write nothing' })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        policies: {
          oneOf: [
            { type: 'object', additionalProperties: policyRefs.input },
            { type: 'array', items: policyRefs.input },
          ],
        },
        apis: { type: 'array', items: apiDefinitionRef },
      },
    },
  })
  @ApiResponse({
    status: 200,
    description: 'What was (or, in a dry run, would be) created, updated, left unchanged and refused, per item',
    schema: reportSchema,
  })
  @ApiResponse({
    status: 400,
    description: 'Nothing was imported: the error body, plus the report with every error by source',
    schema: { allOf: [errorBodyRef, reportSchema] },
  })
  @ApiResponse({ status: 409, description: 'Nothing was imported: an API listens on a path another API uses', schema: { allOf: [errorBodyRef, reportSchema] } })
  @ApiResponse({ status: 401, description: 'The admin secret is missing or wrong', schema: errorBodyRef })
  @ApiResponse({ status: 413, description: 'The body is larger than IMPORT_MAX_BODY_BYTES: nothing was imported', schema: errorBodyRef })
  @ApiResponse({ status: 415, description: 'The body is not application/json', schema: errorBodyRef })
  run(@Body() body: unknown, @Query('dry_run') dryRun?: string): Promise<ImportReport> {
    if (dryRun !== undefined && dryRun !== 'true' && dryRun !== 'false') {
      throw new PortcullisError('validation_failed', undefined, [{ field: 'dry_run', message: 'must be true or false' }]);
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new PortcullisError('validation_failed', undefined, [{ field: '(body)', message: 'must be an object with policies and/or apis' }]);
    }
    const { policies, apis } = body as { policies?: unknown; apis?: unknown };
    const readPolicies = policies === undefined ? { items: [], errors: [] } : policyItems(policies, 'policies');
    const readApis = apis === undefined ? { items: [], errors: [] } : apiItems(apis, 'apis');
    const batch: ImportBatch = { policies: readPolicies.items, apis: readApis.items };
    const errors: ImportError[] = [...readPolicies.errors, ...readApis.errors];
    return this.importer.import(batch, errors, { dryRun: dryRun === 'true' });
  }

  @Get('last')
  @ApiOperation({ summary: 'The report of the last import (at start or through this API, dry runs aside) in this registry process' })
  @ApiResponse({ status: 200, description: 'The last report, each refused item with its file and reasons', schema: reportSchema })
  @ApiResponse({ status: 404, description: 'Nothing was imported since this registry started', schema: errorBodyRef })
  @ApiResponse({ status: 401, description: 'The admin secret is missing or wrong', schema: errorBodyRef })
  last(): ImportReport {
    const report = this.importer.lastReport();
    if (!report) throw new PortcullisError('not_found', 'Nothing was imported since this registry started');
    return report;
  }
}
