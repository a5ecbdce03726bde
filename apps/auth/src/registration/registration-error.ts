import { OAuthError } from '../oauth-errors/oauth-error.js';
import type { RegistrationErrorCode } from './registration-metadata.js';

/** The registration endpoints' answers (RFC 7591 §3.2.2, RFC 6750 §3): OAuth errors like every other endpoint's. */
export class RegistrationError extends OAuthError {
  static metadata(code: RegistrationErrorCode, description: string): RegistrationError {
    return new RegistrationError(code, description);
  }

  /** Missing, wrong, expired, used up, or another client's: the same answer, so nothing is learnt. */
  static token(presented: boolean): RegistrationError {
    const description = presented ? 'The access token is not valid for this request.' : 'This endpoint needs an access token (Authorization: Bearer).';
    // RFC 6750 §3: the challenge names the scheme; `error` only when a token was presented.
    return new RegistrationError('invalid_token', description, {
      wwwAuthenticate: presented ? `Bearer realm="portcullis", error="invalid_token"` : `Bearer realm="portcullis"`,
    });
  }
}
