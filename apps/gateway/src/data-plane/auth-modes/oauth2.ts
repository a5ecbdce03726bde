import { TokenIntrospections, type IntrospectedToken } from '../credentials/introspections.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { compileLocation, readToken } from './credential-location.js';
import { bearerCheck } from './jwt.js';
import { claimList, JwtVerifier } from './jwt-verifier.js';
import { pendingUntil } from './pending.js';

/** Our auth service signs access tokens with ES256 only (apps/auth SIGNING_ALG). */
const AUTH_SERVICE_ALGORITHMS = new Set(['ES256']);
/** 5 s of leeway on each time claim: the auth service's clock and ours may differ that much. */
const AUTH_SERVICE_SKEWS = Object.freeze({ exp: 5, nbf: 5, iat: 5 });

/**
 * OAuth 2.0 (`use_oauth2`): access tokens our auth service issued. A JWT (RFC 9068) is verified here
 * against the service's JWKS (fetched over the bus, refetched on `auth.keys.rotated` and on an
 * unknown `kid`); it must be `at+jwt`. Any other token is opaque: the auth service is asked about it
 * over the bus (`auth.tokens.introspect`), and the answer cached briefly. Either way the token must
 * name this API in `aud`, its policies are its `pol`, and one named by `auth.token.revoked` is
 * refused at once, cached or not. The auth service unreachable: an opaque token not yet cached gets
 * 503, as an API key would; a JWT is checked against the keys already held, and one signed with a
 * key the gateway could not fetch gets 401 (without the key it cannot be told from a forged one;
 * keys rotate rarely and are announced, so this is the narrow case).
 */
export const oauth2Mode: AuthModeModule = {
  mode: 'oauth2',
  scheme: 'Bearer',
  compile(api, deps, answers) {
    const apiId = api.api_id;
    const verifier = new JwtVerifier(
      {
        mode: 'oauth2',
        trusts: [{ issuer: null, audiences: [apiId], algorithms: AUTH_SERVICE_ALGORITHMS, key: null, jwks: deps.credentials.authJwks, ready: null }],
        skews: AUTH_SERVICE_SKEWS,
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
    // The JWT check reads the token this mode has already read: it calls `read` synchronously, first
    // thing, so the token is handed over in a variable rather than read from the request twice.
    let presented: string | null = null;
    const jwtCheck = bearerCheck(verifier, answers, () => presented);

    const introspections = deps.credentials.introspections;
    const decide = (ctx: RequestContext, entry: IntrospectedToken): StepResult => {
      if (!entry.active || !entry.audiences.includes(apiId)) return answers.invalid;
      ctx.identity = introspections.identityOf(entry);
      return CONTINUE;
    };

    return (ctx) => {
      const token = readToken(ctx, location);
      if (token === null) return answers.missing;
      // A compact JWS has dots; our opaque tokens are base64url and never do.
      if (token.includes('.')) {
        presented = token;
        try {
          return jwtCheck(ctx);
        } finally {
          presented = null;
        }
      }
      const entry = introspections.cached(token);
      if (entry !== undefined) return decide(ctx, entry);
      if (!TokenIntrospections.plausible(token)) return answers.invalid;
      return pendingUntil(
        ctx,
        introspections.fetch(token).then((fetched) => decide(ctx, fetched)),
      );
    };
  },
};
