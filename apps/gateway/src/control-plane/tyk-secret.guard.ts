import { Inject, Injectable } from '@nestjs/common';
import { AdminSecretGuard } from '@portcullis/http';
import type { GatewayConfig } from '../config.js';
import { GATEWAY_CONFIG } from '../tokens.js';

/** The admin secret as Tyk's Gateway API takes it: in the `x-tyk-authorization` header. */
@Injectable()
export class TykSecretGuard extends AdminSecretGuard {
  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    super(config.adminSecret, 'x-tyk-authorization');
  }
}
