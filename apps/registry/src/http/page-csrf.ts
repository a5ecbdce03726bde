import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens for the registry's HTML forms (the portal's and the console's): an HMAC of what the visitor holds, so nothing is stored per form.
 * Logged in, the token is bound to the session (the synchroniser-token pattern over the server-side
 * session); before login, to a random cookie of its own (the signed double-submit pattern, OWASP
 * CSRF cheat sheet), so the sign-up, login and reset forms are covered too. A token from another
 * visitor, or from before a login, does not verify.
 */
export class PageCsrf {
  private readonly key: Buffer;

  /** `purpose` names the pages (`portal csrf v1`): each set of pages has its own key, so one's token is no good on another's. */
  constructor(secret: string, purpose: string) {
    // Its own key, derived from the deployment's secret, so a CSRF token says nothing about the secret.
    this.key = Buffer.from(hkdfSync('sha256', secret, 'portcullis', purpose, 32));
  }

  tokenFor(binding: string): string {
    return createHmac('sha256', this.key).update(binding).digest('base64url');
  }

  verify(binding: string, submitted: unknown): boolean {
    if (typeof submitted !== 'string' || submitted.length > 100) return false;
    const expected = Buffer.from(this.tokenFor(binding));
    const given = Buffer.from(submitted);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
