import { Controller, Get } from '@nestjs/common';
import { ApiResponse, ApiTags } from '@nestjs/swagger';
import { PortcullisError } from '@portcullis/errors';
import { DatabaseHealth } from '../storage/database-health.js';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  /** Liveness: the process answers. */
  @Get('health')
  @ApiResponse({ status: 200, schema: { example: { status: 'ok' } } })
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers. */
  @Get('ready')
  @ApiResponse({ status: 200, schema: { example: { status: 'ok' } } })
  @ApiResponse({ status: 503, description: 'The database does not answer' })
  async ready(): Promise<{ status: 'ok' }> {
    if (await this.database.answers()) return { status: 'ok' };
    throw new PortcullisError('service_unavailable', 'The database does not answer');
  }
}
