import type { AuthorizeClientReply, AuthorizeClientRequest, HttpReply, OAuthTokenRequest } from '@portcullis/contracts';

/**
 * What the data plane's OAuth endpoints need from outside: the auth service (over the bus) and two
 * settings. Passed in at compile time, so the steps stay stateless and testable without a bus.
 */
export interface OAuthBridge {
  /** `auth.oauth.token`; rejects with PortcullisError('service_unavailable') when the bus cannot answer. */
  token(request: OAuthTokenRequest): Promise<HttpReply>;
  /** `auth.oauth.authorize-client`; rejects with the auth service's PortcullisError. */
  authorizeClient(request: AuthorizeClientRequest): Promise<AuthorizeClientReply>;
  /** Where the auth service's own pages are reached by a browser (AUTH_PUBLIC_URL). */
  readonly authPublicUrl: string;
  /** The admin secret, for `{listen_path}/tyk/oauth/authorize-client/` (x-tyk-authorization). */
  readonly adminSecret: string;
}
