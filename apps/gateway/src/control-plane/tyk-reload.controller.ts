import { Controller, Get, UseFilters, UseGuards } from '@nestjs/common';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * Tyk's hot-reload calls. Here every change is applied as its event arrives, so there is nothing to
 * reload; they answer success for the scripts and tools that call them after a change.
 */
@Controller('tyk/reload')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykReloadController {
  @Get()
  reload(): { status: 'ok'; message: string } {
    return { status: 'ok', message: '' };
  }

  @Get('group')
  reloadGroup(): { status: 'ok'; message: string } {
    return { status: 'ok', message: '' };
  }
}
