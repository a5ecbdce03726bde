import type { Response } from 'express';
import { pageStyleHash } from '../pages/page-style.js';

/**
 * Where the consent form may send the browser: here, and the client's redirect URI. Browsers apply
 * `form-action` to the redirect that answers the form too, so without the client's origin the approved
 * redirect would be blocked.
 */
function formTargets(redirectUri: string | undefined): string {
  if (!redirectUri) return `'self'`;
  try {
    const url = new URL(redirectUri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return `'self' ${url.origin}`;
    // A native app's private-use scheme (RFC 8252 §7.1): allow that scheme, nothing wider.
    if (/^[a-z][a-z0-9+.-]*:$/i.test(url.protocol)) return `'self' ${url.protocol}`;
  } catch {
    // not a URL: only this page
  }
  return `'self'`;
}

/** Headers for every page of the authorization endpoint: never cached, never framed, nothing but our own style. */
export function setPageHeaders(response: Response, redirectUri?: string, scriptHash?: string): void {
  response.setHeader('Content-Type', 'text/html; charset=utf-8');
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader('X-Frame-Options', 'DENY');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  // The page's URL carries state and the PKCE challenge; the redirect after it carries the code.
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.setHeader(
    'Content-Security-Policy',
    // A script only where a page needs one (the form_post response), and only that script, by hash.
    `default-src 'none'; style-src ${pageStyleHash};${scriptHash ? ` script-src ${scriptHash};` : ''} img-src 'none'; form-action ${formTargets(redirectUri)}; frame-ancestors 'none'; base-uri 'none'`,
  );
}

/** Redirects (302) carry codes and errors for the client: not to be cached or leaked through Referer. */
export function redirectNoStore(response: Response, location: string): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response.redirect(302, location);
}
