import type { RegistrationErrorCode } from './registration-metadata.js';

/** An answer of the registration endpoints in RFC 7591 §3.2.2 / RFC 6750 §3 form. */
export class RegistrationError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistrationErrorCode | 'invalid_token',
    readonly description: string,
    /** RFC 6750 §3: a 401 names the scheme; `error` only when a token was presented. */
    readonly wwwAuthenticate?: string,
  ) {
    super(description);
    this.name = 'RegistrationError';
  }

  static metadata(code: RegistrationErrorCode, description: string): RegistrationError {
    return new RegistrationError(400, code, description);
  }

  /** Missing, wrong, expired, used up, or another client's: the same answer, so nothing is learnt. */
  static token(presented: boolean): RegistrationError {
    const description = presented ? 'The access token is not valid for this request.' : 'This endpoint needs an access token (Authorization: Bearer).';
    return new RegistrationError(401, 'invalid_token', description, presented ? `Bearer realm="portcullis", error="invalid_token"` : `Bearer realm="portcullis"`);
  }

  toBody(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}
