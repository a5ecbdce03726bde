import type { AuthModeModule } from './auth-mode.js';
import { compileLocation, readToken } from './credential-location.js';
import { bearerCheck } from './jwt.js';
import { claimList, JwtVerifier } from './jwt-verifier.js';

/** Our auth service signs access tokens with ES256 only (apps/auth SIGNING_ALG). */
const AUTH_SERVICE_ALGORITHMS = new Set(['ES256']);

/**
 * OAuth 2.0 (`use_oauth2`): access tokens our auth service issued (RFC 9068 JWTs), verified here
 * against its JWKS (fetched over the bus, refetched on `auth.keys.rotated` and on an unknown `kid`).
 * The token must be `at+jwt` and name this API in `aud`; its policies are its `pol` claim. A token
 * named by `auth.token.revoked` is refused at once, cached or not.
 */
export const oauth2Mode: AuthModeModule = {
  mode: 'oauth2',
  scheme: 'Bearer',
  compile(api, deps, answers) {
    const verifier = new JwtVerifier(
      {
        mode: 'oauth2',
        trusts: [{ issuer: null, audiences: [api.api_id], algorithms: AUTH_SERVICE_ALGORITHMS, key: null, jwks: deps.credentials.authJwks, ready: null }],
        clockToleranceSeconds: 5,
        typ: 'at+jwt',
        skipKid: false,
        identityClaim: 'sub',
        policies: (claims) => claimList(claims.pol, false),
        maxCachedTokens: 10_000,
      },
      deps.credentials,
      deps.clock,
    );
    const location = compileLocation(api, 'oauth');
    return bearerCheck(verifier, answers, (ctx) => readToken(ctx, location));
  },
};
