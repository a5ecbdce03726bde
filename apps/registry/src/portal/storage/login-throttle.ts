import { Injectable } from '@nestjs/common';
import { FailureThrottle } from '@portcullis/database';
import { DataSource } from 'typeorm';

/**
 * How many wrong passwords an account takes before it is locked, within what time, and for how
 * long: five guesses per quarter hour, whichever replica they reach (OWASP's advice is a handful).
 */
export const loginThrottleLimits = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 } as const;

/**
 * The portal's login throttle, per account (the normalised email): the shared mechanism on the
 * registry's own table. The lock a stranger can set is ended by an admin's password reset link.
 */
@Injectable()
export class LoginThrottle extends FailureThrottle {
  constructor(dataSource: DataSource) {
    super(dataSource, 'portal_login_failures', loginThrottleLimits);
  }
}
