import { hasNul } from '@portcullis/http';
import { OAuthError } from '../oauth-errors/oauth-error.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface PresentedCredentials {
  method: ClientAuthMethod;
  clientId: string;
  /** Absent for `none`. */
  secret?: string;
}

export type HeaderBag = Record<string, string | string[] | undefined>;
export type ParameterBag = ReadonlyMap<string, string> | Record<string, unknown> | undefined | null;

/** The form parameters that authenticate a client (client_secret_post, or a public client's id). */
export const clientCredentialParameters: ReadonlySet<string> = new Set(['client_id', 'client_secret']);

/**
 * RFC 6749 §5.2: every failed client authentication looks the same (unknown client, wrong secret,
 * wrong method, credentials no client can have such as a NUL, refused before any lookup). Made only
 * on failure: an Error (and its stack) per successful request showed up in profiles.
 */
export function clientAuthenticationFailed(): OAuthError {
  return new OAuthError('invalid_client', 'Client authentication failed');
}

/** A parameter from a parsed form (Map) or a JSON-ish body (object); only strings count. */
export function parameter(body: ParameterBag, name: string): string | undefined {
  if (!body) return undefined;
  const value: unknown = body instanceof Map ? body.get(name) : Object.hasOwn(body, name) ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Which client authentication the request uses, and with what (RFC 6749 §2.3). Exactly one method
 * per request (§2.3: "MUST NOT use more than one authentication method"); none at all is an
 * invalid_client.
 */
export function presentedCredentials(headers: HeaderBag, body: ParameterBag): PresentedCredentials {
  const authorization = headers['authorization'];
  const bodyId = parameter(body, 'client_id');
  const bodySecret = parameter(body, 'client_secret');
  if ((bodyId !== undefined && hasNul(bodyId)) || (bodySecret !== undefined && hasNul(bodySecret))) throw clientAuthenticationFailed();
  if (typeof authorization === 'string' && /^basic(\s|$)/i.test(authorization)) {
    const { clientId, secret } = decodeBasic(authorization);
    if (bodySecret !== undefined) throw new OAuthError('invalid_request', 'Client credentials were sent both in the Authorization header and in the body');
    if (bodyId !== undefined && bodyId !== clientId) throw new OAuthError('invalid_request', 'client_id in the body does not match the Authorization header');
    return { method: 'client_secret_basic', clientId, secret };
  }
  if (bodySecret !== undefined) {
    if (bodyId === undefined) throw new OAuthError('invalid_request', 'The parameter client_id is missing');
    return { method: 'client_secret_post', clientId: bodyId, secret: bodySecret };
  }
  if (bodyId !== undefined) return { method: 'none', clientId: bodyId };
  throw new OAuthError('invalid_client', 'Client authentication is required');
}

/**
 * RFC 7617 Basic, with RFC 6749 §2.3.1's twist: client_id and client_secret are each
 * form-urlencoded before they are joined with ':' and base64-encoded.
 */
function decodeBasic(authorization: string): { clientId: string; secret: string } {
  const failed = clientAuthenticationFailed;
  const encoded = authorization.slice(5).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw failed();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) throw failed();
  try {
    const clientId = formDecode(decoded.slice(0, colon));
    const secret = formDecode(decoded.slice(colon + 1));
    if (secret === '' || hasNul(clientId) || hasNul(secret)) throw failed();
    return { clientId, secret };
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw failed();
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
