import { Inject, Injectable } from '@nestjs/common';
import type { RegistryConfig } from '../../config.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';
import { OidcSignInStore } from '../storage/oidc-sign-in-store.js';
import { OidcSignIns } from './oidc-sign-ins.js';

/** Where the provider sends the browser back: register `${PORTAL_PUBLIC_URL}${OIDC_CALLBACK_PATH}` there. */
export const OIDC_CALLBACK_PATH = '/portal/login/oidc/callback';

/** Developers signing in to the portal through its OpenID Provider (PORTAL_OIDC_*). */
@Injectable()
export class PortalOidcSignIns extends OidcSignIns {
  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig, rows: OidcSignInStore) {
    super(
      config.portal.oidc,
      {
        purpose: 'portal',
        callbackUrl: `${config.portal.publicUrl}${OIDC_CALLBACK_PATH}`,
        logContext: 'PortalOidc',
        place: 'the portal',
        startPage: 'the login page',
        scope: 'openid email',
      },
      rows,
    );
  }
}
