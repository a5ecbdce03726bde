import type { GrantType } from '@portcullis/domain';
import type { StoredClient } from '../clients/stored-client.js';
import type { FormParams } from '../token-endpoint/form-body.js';
import type { TokenResponse } from '../tokens/token-response.js';

export interface GrantRequest {
  /** The authenticated client. */
  client: StoredClient;
  params: FormParams;
}

/** One grant type, as the token endpoint dispatches to it (one file per grant, Map by grantType). */
export interface Grant {
  readonly grantType: GrantType;
  /** The parameters it reads besides grant_type and the client's credentials (documentation, discovery). */
  readonly parameters: readonly string[];
  handler(request: GrantRequest): Promise<TokenResponse>;
}
