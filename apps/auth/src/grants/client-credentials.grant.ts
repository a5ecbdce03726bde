import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { Grant } from './grant.js';
import { grantedScope } from '../scope/scope.js';

/**
 * RFC 6749 §4.4: the client acts for itself, so `sub` is its client_id, and no refresh token is
 * issued (§4.4.3: SHOULD NOT).
 */
export function clientCredentialsGrant(tokens: TokenIssuer): Grant {
  return {
    grantType: 'client_credentials',
    parameters: ['scope'],
    handler: ({ client, params, api }) =>
      tokens.issue({
        client,
        sub: client.client_id,
        scope: grantedScope(params.get('scope'), client.scope),
        apiIds: client.api_ids,
        withRefresh: false,
        ...api,
      }),
  };
}
