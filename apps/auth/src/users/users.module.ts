import { Global, Module } from '@nestjs/common';
import { PASSWORD_VERIFIER } from '../grants/password.grant.js';
import { UsersMessages } from './users.messages.js';
import { UsersService } from './users.service.js';

/**
 * Global so the grants can take the password check without importing this module (their password
 * grant refuses everything when no verifier is provided).
 */
@Global()
@Module({
  controllers: [UsersMessages],
  providers: [UsersService, { provide: PASSWORD_VERIFIER, useExisting: UsersService }],
  exports: [UsersService, PASSWORD_VERIFIER],
})
export class UsersModule {}
