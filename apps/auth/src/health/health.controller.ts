import { Controller, Get } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { DatabaseHealth } from '../storage/database-health.js';

@Controller()
export class HealthController {
  constructor(private readonly database: DatabaseHealth) {}

  /** Liveness: the process answers. */
  @Get('health')
  health(): { status: 'ok'; service: 'auth' } {
    return { status: 'ok', service: 'auth' };
  }

  /** Readiness: the database answers. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; service: 'auth' }> {
    if (await this.database.answers()) return { status: 'ok', service: 'auth' };
    throw new PortcullisError('service_unavailable', 'The database does not answer');
  }
}
