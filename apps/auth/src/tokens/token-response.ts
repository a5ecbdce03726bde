/** RFC 6749 §5.1 successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  /** OIDC Core §3.1.3.3: when the grant includes the `openid` scope. */
  id_token?: string;
}
