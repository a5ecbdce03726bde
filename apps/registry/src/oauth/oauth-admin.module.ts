import { Module } from '@nestjs/common';
import { AdminGuard } from '../http/admin.guard.js';
import { OAuthClientsController } from './clients.controller.js';
import { InitialAccessTokensController } from './initial-access-tokens.controller.js';
import { OAuth1Controller } from './oauth1.controller.js';
import { SigningKeysController } from './signing-keys.controller.js';
import { OAuthUsersController } from './users.controller.js';
import { OAuthUserSessionsController } from './user-sessions.controller.js';

/**
 * The admin API for what the auth service owns (clients, users, initial access tokens, signing
 * keys, OAuth 1.0a consumers and tokens). Nothing is stored here: each call is one request over the bus, answered by the auth service.
 */
@Module({
  controllers: [
    OAuthClientsController,
    OAuthUsersController,
    OAuthUserSessionsController,
    InitialAccessTokensController,
    SigningKeysController,
    OAuth1Controller,
  ],
  providers: [AdminGuard],
})
export class OAuthAdminModule {}
