import { hasNul, isWellFormedPercentEncoding, prototypeNamed } from '@portcullis/http';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { clientAuthenticationFailed, clientCredentialParameters } from '../client-auth/client-credentials.js';
import { noStore } from '../oauth-errors/oauth-error.filter.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';

/** The OAuth endpoints that take form bodies and parse them here, strictly, instead of Express's parser. */
export const formEndpoints = ['/oauth/token', '/oauth/introspect', '/oauth/revoke', '/oauth/userinfo'];

/**
 * Mounted before the app's JSON/urlencoded parsers: reads the raw body of the form endpoints as text
 * (the later parsers then leave it alone), so `parseForm` can see duplicated parameters, which the
 * usual parsers fold into arrays or silently keep the last of.
 */
export function rawFormBodies(limitBytes: number): RequestHandler[] {
  const read = express.text({ type: () => true, limit: limitBytes, defaultCharset: 'utf-8' });
  const failed = (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (!error) return next();
    const type = (error as { type?: string }).type;
    const status = type === 'entity.too.large' ? 413 : 400;
    noStore(res);
    res
      .status(status)
      .json(new OAuthError('invalid_request', status === 413 ? 'The request body is too large' : 'The request body could not be read').toBody());
  };
  return [read, failed as unknown as RequestHandler];
}

/** The form parameters of a request, each at most once; empty values count as absent (RFC 6749 §3.1). */
export type FormParams = ReadonlyMap<string, string>;

/**
 * RFC 6749 §3.2: the token endpoint takes `application/x-www-form-urlencoded` only, and parameters
 * MUST NOT be included more than once (also §3.1 for the authorization endpoint).
 */
export function parseForm(contentType: string | undefined, body: unknown): FormParams {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The request body must be application/x-www-form-urlencoded');
  }
  const text = typeof body === 'string' ? body : '';
  // URLSearchParams would read a bad escape as U+FFFD: a client whose id differs by one is told so.
  if (!isWellFormedPercentEncoding(text.replace(/\+/g, ' '))) throw new OAuthError('invalid_request', 'The request body is not percent-encoded UTF-8');
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    // The shared input rule (no NUL), applied to what the form decodes to: a NUL in the client's
    // credentials fails its authentication (401), anywhere else the request is malformed (400).
    if (hasNul(value) || hasNul(name)) {
      if (clientCredentialParameters.has(name)) throw clientAuthenticationFailed();
      throw new OAuthError('invalid_request', 'A parameter contains a NUL character');
    }
    if (seen.has(name)) throw new OAuthError('invalid_request', `The parameter ${name} is repeated`);
    const prototype = prototypeNamed(name);
    if (prototype !== undefined) throw new OAuthError('invalid_request', `A parameter named ${prototype} is not allowed`);
    seen.add(name);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/** A parameter the request must carry. */
export function required(params: FormParams, name: string): string {
  const value = params.get(name);
  if (value === undefined) throw new OAuthError('invalid_request', `The parameter ${name} is missing`);
  return value;
}
