import { Injectable } from '@nestjs/common';
import type { Developer } from '../portal-types.js';
import { normaliseEmail } from './developer-input.js';
import { DevelopersService } from './developers.service.js';
import { LoginThrottle } from '../storage/login-throttle.js';

/** Why a login did not start a session; `throttled` carries when to try again. */
export type LoginRefusal = { reason: 'wrong' | 'pending' | 'blocked' } | { reason: 'throttled'; retryAfterSeconds: number };

export type LoginOutcome = { developer: Developer } | { refused: LoginRefusal };

/**
 * A developer logging in: the password checked under the account's throttle. Each attempt is
 * counted before its check; a locked account is refused before any scrypt is spent, right password
 * or not, so guessing on stops paying. Only a right password learns that the account is pending or
 * blocked.
 */
@Injectable()
export class DeveloperLogins {
  constructor(
    private readonly developers: DevelopersService,
    private readonly throttle: LoginThrottle,
  ) {}

  async logIn(email: unknown, password: unknown): Promise<LoginOutcome> {
    const outcome = await this.throttle.guard(normaliseEmail(email), () => this.developers.withPassword(email, password));
    if ('retryAfterSeconds' in outcome) return { refused: { reason: 'throttled', retryAfterSeconds: outcome.retryAfterSeconds } };
    if (!('passed' in outcome)) return { refused: { reason: 'wrong' } };
    const developer = outcome.passed;
    if (developer.status !== 'active') return { refused: { reason: developer.status } };
    return { developer };
  }

  /**
   * A developer the OpenID Provider vouched for, by their verified email: their account (made now
   * if there was none), if its status lets them in. No password, so no throttle to pass.
   */
  async withVerifiedEmail(email: string): Promise<LoginOutcome> {
    const developer = await this.developers.withVerifiedEmail(email);
    if (developer.status !== 'active') return { refused: { reason: developer.status } };
    return { developer };
  }

  /** The admin's reset link proves the account is the developer's again: the count starts over. */
  passwordReset(developer: Developer): Promise<void> {
    return this.throttle.clear(normaliseEmail(developer.email));
  }
}
