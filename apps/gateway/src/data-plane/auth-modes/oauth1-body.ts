import { requestHasBody } from '../forwarding.js';
import type { RequestContext } from '../request-context.js';
import { headerValue } from './credential-location.js';

/** The limit when the gateway's configuration sets none (OAUTH1_MAX_BODY_BYTES). */
export const DEFAULT_SIGNED_BODY_LIMIT = 64 * 1024;

/**
 * RFC 5849 §3.4.1.3.1: the body's parameters are signed when it is single-part and the request says
 * `Content-Type: application/x-www-form-urlencoded` (parameters such as `; charset=UTF-8` allowed).
 * Every other body is none of the signature's business and streams to the upstream untouched.
 */
export function hasFormBody(ctx: RequestContext): boolean {
  const type = headerValue(ctx, 'content-type');
  if (type === null || type.length < 33) return false;
  const semicolon = type.indexOf(';');
  const media = (semicolon === -1 ? type : type.slice(0, semicolon)).trim();
  return media.length === 33 && media.toLowerCase() === 'application/x-www-form-urlencoded' && requestHasBody(ctx.req.rawHeaders);
}

/**
 * The body's name/value pairs, decoded as HTML forms are (`+` is a space), in order, repeats kept.
 * The leading `&` is an empty pair the parser skips; without it a body starting with `?` would lose
 * that character (URLSearchParams strips one from its input).
 */
export function formParameters(body: Buffer): [string, string][] {
  return [...new URLSearchParams(`&${body.toString('utf8')}`)];
}
