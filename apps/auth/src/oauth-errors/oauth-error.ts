/**
 * RFC 6749 §5.2 error codes (plus RFC 7009's unsupported_token_type), as the OAuth endpoints answer
 * them: `{error, error_description}`, never the platform's own error shape.
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
} as const;

export type OAuthErrorCode = keyof typeof oauthErrorCodes;

export interface OAuthErrorBody {
  error: OAuthErrorCode;
  error_description?: string;
}

export class OAuthError extends Error {
  readonly status: number;
  readonly wwwAuthenticate: string | undefined;

  constructor(
    readonly code: OAuthErrorCode,
    readonly description?: string,
    options: { status?: number; wwwAuthenticate?: string } = {},
  ) {
    super(description ?? code);
    this.name = 'OAuthError';
    this.status = options.status ?? oauthErrorCodes[code];
    this.wwwAuthenticate = options.wwwAuthenticate;
  }

  toBody(): OAuthErrorBody {
    return this.description === undefined ? { error: this.code } : { error: this.code, error_description: this.description };
  }
}
