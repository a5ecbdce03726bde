import { Inject, Injectable } from '@nestjs/common';
import type { RegistryConfig } from '../../config.js';
import { OidcSignIns } from '../../portal/oidc/oidc-sign-ins.js';
import { OidcSignInStore } from '../../portal/storage/oidc-sign-in-store.js';
import { REGISTRY_CONFIG } from '../../registry-config.token.js';

/** Where the provider sends the browser back: register `${PORTAL_PUBLIC_URL}${CONSOLE_OIDC_CALLBACK_PATH}` there. */
export const CONSOLE_OIDC_CALLBACK_PATH = '/console/sign-in/oidc/callback';

/**
 * Operators signing in to the console through its OpenID Provider (CONSOLE_OIDC_*): the portal's
 * sign-in machinery with the console's client, callback and words. Who of those it signs in is an
 * operator is ConsoleOperators' decision.
 */
@Injectable()
export class ConsoleOidcSignIns extends OidcSignIns {
  constructor(@Inject(REGISTRY_CONFIG) config: RegistryConfig, rows: OidcSignInStore) {
    super(
      config.console.oidc,
      {
        purpose: 'console',
        callbackUrl: `${config.portal.publicUrl}${CONSOLE_OIDC_CALLBACK_PATH}`,
        logContext: 'ConsoleOidc',
        place: 'the console',
        startPage: 'the sign-in page',
        scope: 'openid email',
      },
      rows,
    );
  }
}
