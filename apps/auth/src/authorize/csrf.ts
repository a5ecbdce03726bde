import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie half of the double-submit pair; the form carries the other half in a hidden field. */
export const CSRF_COOKIE = 'portcullis_authorize_csrf';
export const CSRF_FIELD = 'csrf_token';
/** Long enough to read a consent page and type a password; short enough that a leaked token soon dies. */
export const CSRF_TTL_SECONDS = 3600;

/**
 * Signed double-submit CSRF tokens for the login and consent form: `<nonce>.<issued-at>.<hmac>`. The
 * cookie (HttpOnly, SameSite=Lax) and the hidden field must carry the same token, and its HMAC must be
 * ours, so another site can neither read nor plant a pair that passes.
 */
export class CsrfTokens {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly now: () => number = Date.now,
  ) {
    // Its own key, derived: the admin secret itself never signs anything a browser holds.
    this.key = Buffer.from(hkdfSync('sha256', secret, 'portcullis', 'portcullis/authorize/csrf/v1', 32));
  }

  issue(): string {
    const payload = `${randomBytes(24).toString('base64url')}.${Math.floor(this.now() / 1000)}`;
    return `${payload}.${this.mac(payload)}`;
  }

  /** A token of ours that has not expired. */
  isValid(token: unknown): token is string {
    if (typeof token !== 'string' || token.length > 200) return false;
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const payload = `${parts[0]}.${parts[1]}`;
    const expected = Buffer.from(this.mac(payload), 'base64url');
    const presented = Buffer.from(parts[2]!, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return false;
    const issuedAt = Number(parts[1]);
    const age = Math.floor(this.now() / 1000) - issuedAt;
    return Number.isInteger(issuedAt) && age >= -60 && age <= CSRF_TTL_SECONDS;
  }

  /** The form's token equals the cookie's, and it is a valid token of ours. */
  verify(cookieToken: unknown, fieldToken: unknown): boolean {
    if (typeof cookieToken !== 'string' || typeof fieldToken !== 'string') return false;
    const a = Buffer.from(cookieToken);
    const b = Buffer.from(fieldToken);
    const same = a.length === b.length && timingSafeEqual(a, b);
    return same && this.isValid(cookieToken);
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** The value of one cookie from a Cookie header (no cookie-parser on this service). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

export function csrfCookie(token: string, secure: boolean): string {
  return `${CSRF_COOKIE}=${token}; Path=/; Max-Age=${CSRF_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
