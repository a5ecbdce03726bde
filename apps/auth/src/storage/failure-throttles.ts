import { Inject, Injectable } from '@nestjs/common';
import { FailureThrottle } from '@portcullis/database';
import { DataSource } from 'typeorm';
import { AUTH_CONFIG, type AuthConfig } from '../config.js';

/**
 * Failed client authentications per client_id (the shared throttle on the auth schema's table):
 * lifted by the lock running out, a secret rotation, or an admin's unlock.
 */
@Injectable()
export class ClientAuthThrottle extends FailureThrottle {
  constructor(dataSource: DataSource, @Inject(AUTH_CONFIG) config: AuthConfig) {
    super(dataSource, 'client_auth_failures', config.throttles.clients);
  }
}

/**
 * Failed password checks per username, at the login page and the password grant alike (the
 * shared throttle on the auth schema's table): lifted by the lock running out or an admin's unlock.
 */
@Injectable()
export class UserLoginThrottle extends FailureThrottle {
  constructor(dataSource: DataSource, @Inject(AUTH_CONFIG) config: AuthConfig) {
    super(dataSource, 'user_login_failures', config.throttles.logins);
  }
}
