import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { AdminGuard } from '../http/admin.guard.js';
import { JsonBodyGuard } from '../http/json-body.guard.js';
import { errorBodyRef } from '../openapi.js';
import { validationFailed } from '../portal/field-errors.js';
import { ConfigApplyService } from './config-apply.service.js';
import { applyReportJsonSchema, configSetJsonSchema, configSetSchema, type ApplyReport } from './config-set.js';

const error = (status: number, description: string) => ApiResponse({ status, description, schema: errorBodyRef });

/** Declarative configuration: the whole wanted state in one request (`portcullis apply`). */
@ApiTags('config')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@error(401, 'The admin secret is missing or wrong')
@Controller('admin/config')
export class ConfigApplyController {
  constructor(private readonly config: ConfigApplyService) {}

  @Post('apply')
  @HttpCode(200)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({
    summary:
      'Make the registry match a set of API definitions, policies, catalogue entries and DCR providers, all or nothing: everything is validated first (errors named by file), then written in one transaction; change events follow the commit. Repeatable: an equal item is left alone.',
  })
  @ApiBody({ schema: configSetJsonSchema })
  @ApiResponse({ status: 200, description: 'What changed (or, with dry_run, would change)', schema: applyReportJsonSchema })
  @error(400, 'Invalid items (each error with its file, in errors and details), or an empty set that would delete everything; nothing was changed')
  @error(
    409,
    'Stored items absent from the set without prune, deletions of what developers hold credentials for, or a listen path taken meanwhile; nothing was changed',
  )
  @error(413, 'The body is too large')
  @error(415, 'The body is not application/json')
  @error(502, 'provider_unavailable: a DCR provider’s discovery document could not be fetched')
  apply(@Body() body: unknown): Promise<ApplyReport> {
    const set = configSetSchema.safeParse(body);
    if (!set.success) throw validationFailed(set.error);
    return this.config.apply(set.data);
  }
}
