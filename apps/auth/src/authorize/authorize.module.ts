import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';
import { GrantsModule } from '../grants/grants.module.js';
import { UsersModule } from '../users/users.module.js';
import { SessionsModule } from '../sessions/sessions.module.js';
import { TokensModule } from '../tokens/tokens.module.js';
import { AuthorizeClientMessages } from './authorize-client.messages.js';
import { AuthorizeController } from './authorize.controller.js';
import { AuthorizationService } from './authorization.service.js';
import { CsrfTokens } from './csrf.js';

@Module({
  imports: [ClientsModule, GrantsModule, UsersModule, SessionsModule, TokensModule],
  controllers: [AuthorizeController, AuthorizeClientMessages],
  providers: [
    AuthorizationService,
    // Keyed from the key-encryption secret (itself derived from the admin secret when unset), with its own HKDF info.
    { provide: CsrfTokens, inject: [AUTH_CONFIG], useFactory: (config: AuthConfig) => new CsrfTokens(config.keys.encryptionSecret) },
  ],
  exports: [CsrfTokens],
})
export class AuthorizeModule {}
