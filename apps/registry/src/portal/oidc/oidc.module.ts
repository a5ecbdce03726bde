import { Module } from '@nestjs/common';
import { PortalOidcSignIns } from './portal-oidc-sign-ins.js';

/** Developers signing in through the installation's OpenID Provider (PORTAL_OIDC_*), when it has one. */
@Module({
  providers: [PortalOidcSignIns],
  exports: [PortalOidcSignIns],
})
export class OidcModule {}
