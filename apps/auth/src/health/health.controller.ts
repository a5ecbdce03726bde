import { Controller, Get } from '@nestjs/common';
import { databaseAnswers } from '@portcullis/database';
import { PortcullisError } from '@portcullis/errors';
import { DataSource } from 'typeorm';

@Controller()
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  /** Liveness: the process answers. */
  @Get('health')
  health(): { status: 'ok'; service: 'auth' } {
    return { status: 'ok', service: 'auth' };
  }

  /** Readiness: the database answers. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; service: 'auth' }> {
    if (await databaseAnswers(this.dataSource)) return { status: 'ok', service: 'auth' };
    throw new PortcullisError('service_unavailable', 'The database does not answer');
  }
}
