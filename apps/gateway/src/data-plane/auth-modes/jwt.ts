import type { JWTPayload } from 'jose';
import type { ApiDefinition } from '@portcullis/domain';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthAnswers, AuthModeModule } from './auth-mode.js';
import { compileLocation, readToken } from './credential-location.js';
import { claimList, JwtVerifier, type Verification } from './jwt-verifier.js';
import { compileTrusts } from './jwt-trusts.js';
import { pendingUntil } from './pending.js';

/** "A small clock skew" when the API names none (Tyk's default is none at all). */
const DEFAULT_SKEW_SECONDS = 5;
const MAX_CACHED_TOKENS = 10_000;

/**
 * The policies a token names: the policy claim (`jwt_policy_field_name`, a string or a list), plus
 * those its scopes map to (`jwt_scope_to_policy_mapping`). When it names none, the verifier takes
 * its client's binding, else `jwt_default_policies` (VerifierOptions.unclaimed).
 */
export function policySelector(api: ApiDefinition): (claims: JWTPayload) => readonly string[] {
  const field = api.jwt_policy_field_name ?? '';
  const mapping = api.jwt_scope_to_policy_mapping ?? {};
  const scopeClaim = api.jwt_scope_claim_name ?? 'scope';
  const mapsScopes = Object.keys(mapping).length > 0;
  return (claims) => {
    const ids = new Set(field === '' ? [] : claimList(claims[field], false));
    if (mapsScopes) {
      for (const scope of claimList(claims[scopeClaim], true)) {
        const policy = mapping[scope];
        if (policy !== undefined) ids.add(policy);
      }
    }
    return [...ids];
  };
}

/** The step's view of a verifier: cache hit at once, otherwise verify and resume. */
export function bearerCheck(verifier: JwtVerifier, answers: AuthAnswers, read: (ctx: RequestContext) => string | null) {
  const decide = (ctx: RequestContext, verification: Verification): StepResult => {
    if (!verification.ok) return answers.invalid;
    const identity = verifier.identityOf(verification.token);
    if (identity === null) return answers.invalid;
    ctx.identity = identity;
    return CONTINUE;
  };
  return (ctx: RequestContext): StepResult => {
    const token = read(ctx);
    if (token === null) return answers.missing;
    const hit = verifier.cached(token);
    if (hit !== undefined) {
      const identity = verifier.identityOf(hit);
      if (identity === null) return answers.invalid;
      ctx.identity = identity;
      return CONTINUE;
    }
    return pendingUntil(
      ctx,
      verifier.verify(token).then((verification) => decide(ctx, verification)),
    );
  };
}

/**
 * JWTs (`enable_jwt`) from an inline secret or public key, a JWKS, an OpenID provider, or several
 * trusted issuers. Algorithms are pinned per source; `exp` is required.
 */
export const jwtMode: AuthModeModule = {
  mode: 'jwt',
  scheme: 'Bearer',
  compile(api, deps, answers) {
    const verifier = new JwtVerifier(
      {
        mode: 'jwt',
        trusts: compileTrusts(api, deps.credentials),
        // Each claim its own leeway, as Tyk has them; one left unset gets the small default.
        skews: {
          exp: api.jwt_expires_at_validation_skew ?? DEFAULT_SKEW_SECONDS,
          nbf: api.jwt_not_before_validation_skew ?? DEFAULT_SKEW_SECONDS,
          iat: api.jwt_issued_at_validation_skew ?? DEFAULT_SKEW_SECONDS,
        },
        typ: null,
        skipKid: api.jwt_skip_kid === true,
        identityClaim: api.jwt_identity_base_field ?? 'sub',
        policies: policySelector(api),
        unclaimed: { defaults: api.jwt_default_policies ?? [] },
        maxCachedTokens: MAX_CACHED_TOKENS,
      },
      deps.credentials,
      deps.clock,
    );
    const location = compileLocation(api, 'jwt');
    return bearerCheck(verifier, answers, (ctx) => readToken(ctx, location));
  },
};
