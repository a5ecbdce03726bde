import { All, Controller, UseFilters, UseGuards } from '@nestjs/common';
import { PortcullisError } from '@portcullis/errors';
import { TykErrorFilter } from './tyk-errors.js';
import { TykSecretGuard } from './tyk-secret.guard.js';

/**
 * The rest of Tyk's Gateway API (keys, policies, ...) is not served here (yet): behind the same
 * secret, and answered in Tyk's error shape like the endpoints that exist. Registered last.
 */
@Controller('tyk')
@UseGuards(TykSecretGuard)
@UseFilters(TykErrorFilter)
export class TykFallbackController {
  @All('*path')
  notServed(): never {
    throw new PortcullisError('not_found', 'This Tyk Gateway API endpoint is not served by Portcullis');
  }
}
