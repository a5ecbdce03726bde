import { OAuthError, type OAuthErrorCode } from '../oauth-errors/oauth-error.js';

type BearerErrorCode = Extract<OAuthErrorCode, 'invalid_request' | 'invalid_token' | 'insufficient_scope'>;

/**
 * RFC 6750 §3: a protected resource's refusal, with the Bearer challenge. Without any token the
 * challenge carries no error code (§3.1: the client may not know it needs one); `invalid_request`
 * answers 400, `invalid_token` 401, `insufficient_scope` 403, each naming the code in the challenge.
 */
export function bearerError(code: BearerErrorCode | undefined, description: string, scope?: string): OAuthError {
  const parameters = ['realm="portcullis"'];
  if (code !== undefined) parameters.push(`error="${code}"`, `error_description="${description}"`);
  if (scope !== undefined) parameters.push(`scope="${scope}"`);
  return new OAuthError(code ?? 'invalid_token', description, { wwwAuthenticate: `Bearer ${parameters.join(', ')}` });
}
