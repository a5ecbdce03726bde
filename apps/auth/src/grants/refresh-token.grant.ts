import { OAuthError } from '../oauth-errors/oauth-error.js';
import { required } from '../oauth-forms/form-body.js';
import type { Revocations } from '../tokens/revocations.js';
import { hashToken, type TokenIssuer } from '../tokens/token-issuer.js';
import { RefreshTokenSpent, type TokenStore } from '../storage/token-store.js';
import type { Grant } from './grant.js';
import { grantedScope, scopeTokens } from '../scope/scope.js';

/**
 * RFC 6749 §6 with rotation: every exchange marks the refresh token used and issues a new one in
 * the same family. A used token presented again means it leaked (or its holder is confused): the
 * whole family is revoked, access tokens included (RFC 9700 §4.14.2).
 */
export function refreshTokenGrant(tokens: TokenIssuer, store: TokenStore, revocations: Revocations): Grant {
  const replayed = async (familyId: string): Promise<never> => {
    await revocations.family(familyId);
    throw new OAuthError('invalid_grant', 'The refresh token was already used; its grant has been revoked');
  };
  return {
    grantType: 'refresh_token',
    parameters: ['refresh_token', 'scope'],
    async handler({ client, params, api }) {
      const tokenHash = hashToken(required(params, 'refresh_token'));
      const token = await store.findRefresh(tokenHash);
      if (!token || token.clientId !== client.client_id) throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked');
      if (token.usedAt !== null) return replayed(token.familyId);
      if (token.revokedAt !== null || token.expiresAt.getTime() <= Date.now())
        throw new OAuthError('invalid_grant', 'The refresh token is invalid, expired or revoked');
      // Through an API's endpoint, only a grant made for that API can be refreshed there.
      if (api && !token.apiIds.includes(api.apiIds[0])) throw new OAuthError('invalid_grant', 'The refresh token was not issued for this API');
      // The original grant bounds the scope, and so does what the client may have today. Checked
      // before the token is spent, so asking for too much does not cost the client its grant.
      const clientScope = new Set(scopeTokens(client.scope));
      const stillAllowed = scopeTokens(token.scope)
        .filter((s) => clientScope.has(s))
        .join(' ');
      const scope = grantedScope(params.get('scope'), stillAllowed);
      try {
        return await tokens.issue({
          client,
          sub: token.sub,
          scope,
          refreshScope: stillAllowed,
          apiIds: token.apiIds,
          withRefresh: true,
          family: token.familyId,
          spends: tokenHash,
          // A new ID Token with the original sign-in time and no nonce (OIDC Core §12.2), answering
          // the claims the authorization request asked for, as the first one did.
          openid: { authTime: token.authTime, claims: token.claims },
          ...api,
        });
      } catch (error) {
        // Losing a race with another exchange of the same token is a reuse too.
        if (error instanceof RefreshTokenSpent) return replayed(token.familyId);
        throw error;
      }
    },
  };
}
