import type { GrantType } from '@portcullis/domain';
import type { StoredClient } from '../clients/stored-client.js';
import type { FormParams } from '../oauth-forms/form-body.js';
import type { IssueInput } from '../tokens/token-issuer.js';
import type { TokenResponse } from '../tokens/token-response.js';

/**
 * Set when the request came through an API's `{listen_path}/oauth/token/` on a gateway: the tokens
 * are for that API alone (`aud`), with the lifetimes the endpoint settled on. Spread last into
 * `TokenIssuer.issue`, so it overrides what the grant would choose without an API.
 */
export interface ApiIssueContext extends Pick<IssueInput, 'accessTokenTtl' | 'refreshTokenTtl'> {
  readonly apiIds: readonly [string];
}

export interface GrantRequest {
  /** The authenticated client. */
  client: StoredClient;
  params: FormParams;
  api?: ApiIssueContext;
}

/** One grant type, as the token endpoint dispatches to it (one file per grant, Map by grantType). */
export interface Grant {
  readonly grantType: GrantType;
  /** The parameters it reads besides grant_type and the client's credentials (documentation, discovery). */
  readonly parameters: readonly string[];
  handler(request: GrantRequest): Promise<TokenResponse>;
}
