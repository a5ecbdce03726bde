import { readCookie } from './csrf.js';

/** The login session's cookie: a random token; the auth service keeps only its SHA-256. */
export const SESSION_COOKIE = 'portcullis_session';

/**
 * HttpOnly (no script reads it), SameSite=Lax (sent on the top-level navigation an RP starts, not on
 * another site's sub-requests or POSTs), Secure whenever the issuer is https.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** Tells the browser to forget the session cookie (signed out). */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function readSessionToken(cookieHeader: string | undefined): string | undefined {
  return readCookie(cookieHeader, SESSION_COOKIE);
}
