import { Inject, Injectable } from '@nestjs/common';
import { AdminSecretGuard } from '@portcullis/http';
import type { RegistryConfig } from '../config.js';
import { REGISTRY_CONFIG } from '../registry-config.token.js';

/** The native admin API takes the admin secret as `Authorization: Bearer <secret>`. */
@Injectable()
export class AdminGuard extends AdminSecretGuard {
  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig) {
    super(config.adminSecret, 'bearer');
  }
}
