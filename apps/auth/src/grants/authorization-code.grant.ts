import { OAuthError } from '../oauth-errors/oauth-error.js';
import { required } from '../oauth-forms/form-body.js';
import type { Revocations } from '../tokens/revocations.js';
import type { TokenIssuer } from '../tokens/token-issuer.js';
import type { AuthorizationCodesService } from './authorization-codes.service.js';
import type { Grant } from './grant.js';
import { verifierMatches } from './pkce.js';

const invalid = (description: string) => new OAuthError('invalid_grant', description);

/**
 * RFC 6749 §4.1.3 with PKCE (RFC 7636, S256 only). The code is burnt before anything else is checked,
 * so a stolen code is worthless even on a failed attempt; a code presented twice revokes what its
 * first redemption issued (§4.1.2: SHOULD revoke).
 */
export function authorizationCodeGrant(tokens: TokenIssuer, codes: AuthorizationCodesService, revocations: Revocations): Grant {
  return {
    grantType: 'authorization_code',
    parameters: ['code', 'redirect_uri', 'code_verifier'],
    async handler({ client, params, api }) {
      const presented = required(params, 'code');
      const redirectUri = required(params, 'redirect_uri');
      const verifier = params.get('code_verifier');
      const use = await codes.redeem(presented);
      if (use.outcome === 'invalid') throw invalid('The authorization code is invalid');
      const { code } = use;
      if (code.clientId !== client.client_id) throw invalid('The authorization code is invalid');
      if (use.outcome === 'reused') {
        await revocations.family(code.familyId);
        throw invalid('The authorization code was already used; the tokens issued for it have been revoked');
      }
      if (code.expiresAt.getTime() <= Date.now()) throw invalid('The authorization code has expired');
      // A code approved for one API is not redeemable through another's token endpoint.
      if (api && code.apiId !== null && code.apiId !== api.apiIds[0]) throw invalid('The authorization code was not issued for this API');
      // Exact string comparison (RFC 9700 §4.1.3): no normalisation, no prefix matching.
      if (code.redirectUri !== redirectUri) throw invalid('redirect_uri does not match the authorization request');
      if (code.codeChallenge !== null) {
        if (verifier === undefined || !verifierMatches(verifier, code.codeChallenge)) throw invalid('PKCE verification failed');
      } else {
        // A verifier without a challenge is a PKCE downgrade attempt (RFC 9700 §2.1.1).
        if (verifier !== undefined) throw invalid('code_verifier was sent but the authorization request had no code_challenge');
        if (client.token_endpoint_auth_method === 'none') throw invalid('PKCE is required for public clients');
      }
      return tokens.issue({
        client,
        sub: code.sub,
        scope: code.scope,
        apiIds: code.apiId ? [code.apiId] : client.api_ids,
        withRefresh: client.grant_types.includes('refresh_token'),
        family: code.familyId,
        openid: { authTime: code.authTime, claims: code.claims, ...(code.nonce !== null && { nonce: code.nonce }) },
        ...api,
      });
    },
  };
}
