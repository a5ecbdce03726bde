import { RETRY_AFTER_SECONDS } from '@portcullis/errors';

/**
 * The error codes every OAuth endpoint answers with, registration included: RFC 6749 §5.2 (plus RFC
 * 7009's unsupported_token_type, RFC 7591's metadata errors and RFC 6750's invalid_token), always as
 * `{error, error_description}`, never the platform's own error shape.
 */
export const oauthErrorCodes = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  unsupported_token_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  /**
   * Too many failed attempts: the client (or user) is locked for a while. RFC 8628 §3.5's code,
   * registered for token endpoint responses, says exactly "wait before you try again"; none of our
   * grants gives it another meaning (there is no device grant). Not `invalid_client` (the right
   * secret is refused too, and a 401 tells a client to fix its credentials) nor
   * `temporarily_unavailable` (the service's fault, a 503 that sends operators looking for an outage).
   */
  slow_down: 429,
  // RFC 7591 §3.2.2: the registration endpoints' metadata errors.
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_software_statement: 400,
  // RFC 6750 §3.1: a bearer token refused (the registration endpoints' initial access and registration tokens).
  invalid_token: 401,
  // RFC 6750 §3.1: the token is good but lacks the scope the resource needs (userinfo without openid).
  insufficient_scope: 403,
} as const;

export type OAuthErrorCode = keyof typeof oauthErrorCodes;

export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
}

/** RFC 6749 §2.3.1: the client authentication the endpoints take, as a challenge. */
export const basicChallenge = 'Basic realm="portcullis", charset="UTF-8"';

export class OAuthError extends Error {
  readonly status: number;
  readonly wwwAuthenticate: string | undefined;
  /** Seconds for the Retry-After header (RFC 9110 §10.2.3), with a 429 or 503. */
  readonly retryAfter: number | undefined;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description?: string,
    options: { status?: number; wwwAuthenticate?: string; retryAfter?: number } = {},
  ) {
    super(description ?? code);
    this.name = 'OAuthError';
    this.status = options.status ?? oauthErrorCodes[code];
    // RFC 9110 §15.5.2: every 401 carries a challenge, also when the client sent its credentials in
    // the body (RFC 6749 §5.2 requires it only for the header, but a 401 without one is malformed).
    this.wwwAuthenticate = options.wwwAuthenticate ?? (this.status === 401 ? basicChallenge : undefined);
    this.retryAfter = options.retryAfter ?? (this.status === 503 ? RETRY_AFTER_SECONDS : undefined);
  }

  /** The headers the answer carries besides the no-store ones. */
  get headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.wwwAuthenticate !== undefined) headers['WWW-Authenticate'] = this.wwwAuthenticate;
    if (this.retryAfter !== undefined) headers['Retry-After'] = String(this.retryAfter);
    return headers;
  }

  toBody(): OAuthErrorBody {
    return this.description === undefined ? { error: this.code } : { error: this.code, error_description: this.description };
  }
}

/** An account locked by its failed attempts: 429 with how long to wait, in the RFC 6749 §5.2 shape. */
export function tooManyFailures(what: string, retryAfterSeconds: number): OAuthError {
  return new OAuthError('slow_down', `Too many failed attempts for this ${what}; retry after ${retryAfterSeconds} seconds`, { retryAfter: retryAfterSeconds });
}
