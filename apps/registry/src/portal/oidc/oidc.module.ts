import { Module } from '@nestjs/common';
import { DevelopersModule } from '../developers/developers.module.js';
import { OidcRelyingParty } from './oidc-relying-party.js';
import { OidcSignIns } from './oidc-sign-ins.js';

/** Developers signing in through the installation's OpenID Provider (PORTAL_OIDC_*), when it has one. */
@Module({
  imports: [DevelopersModule],
  providers: [OidcRelyingParty, OidcSignIns],
  exports: [OidcSignIns],
})
export class OidcModule {}
