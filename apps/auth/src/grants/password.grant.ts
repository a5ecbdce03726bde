import type { Throttled } from '@portcullis/database';
import { OAuthError, tooManyFailures } from '../oauth-errors/oauth-error.js';
import { required } from '../oauth-forms/form-body.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { Grant } from './grant.js';
import { grantedScope } from '../scope/scope.js';

/** Nest token for the users' password check (the users module provides it). */
export const PASSWORD_VERIFIER = Symbol('PASSWORD_VERIFIER');

export interface PasswordVerifier {
  /** The user's subject when the password is right; failed otherwise (whatever the reason), or locked by the username's throttle. */
  logIn(username: string, password: string): Promise<Throttled<{ sub: string }>>;
}

/**
 * RFC 6749 §4.3, only for clients whose grant_types name it (checked by the endpoint). Without a
 * users module there is nobody to check a password against, so it refuses every request.
 */
export function passwordGrant(tokens: TokenIssuer, users: PasswordVerifier | null): Grant {
  return {
    grantType: 'password',
    parameters: ['username', 'password', 'scope'],
    async handler({ client, params, api }) {
      const username = required(params, 'username');
      const password = required(params, 'password');
      const scope = grantedScope(params.get('scope'), client.scope);
      const login = users ? await users.logIn(username, password) : { failed: true as const };
      if ('retryAfterSeconds' in login) throw tooManyFailures('username', login.retryAfterSeconds);
      if (!('passed' in login)) throw new OAuthError('invalid_grant', 'The username or password is wrong');
      return tokens.issue({ client, sub: login.passed.sub, scope, apiIds: client.api_ids, withRefresh: client.grant_types.includes('refresh_token'), ...api });
    },
  };
}
