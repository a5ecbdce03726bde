import type { LoginRefusal } from '../developers/developer-logins.js';

/** How a page answers a login that started no session, by password or through the OpenID Provider. */
export const loginRefusalStatus: Record<LoginRefusal['reason'], number> = { wrong: 401, pending: 403, blocked: 403, throttled: 429 };

export function loginRefusalMessage(refusal: LoginRefusal): string {
  switch (refusal.reason) {
    case 'wrong':
      return 'The email or password is not right.';
    case 'pending':
      return 'Your account is waiting for an administrator to approve it.';
    case 'blocked':
      return 'Your account has been blocked. Contact the portal administrator.';
    case 'throttled': {
      const minutes = Math.ceil(refusal.retryAfterSeconds / 60);
      return `Too many failed attempts to log in to this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask the portal administrator for a password reset link.`;
    }
  }
}
