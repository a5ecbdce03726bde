import { authModeOf, authModesOf, type ApiDefinition } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { noteRefusal, type AuthAnswers, type AuthCheck, type ChallengeScheme } from '../auth-modes/auth-mode.js';
import { DEFAULT_SIGNED_BODY_LIMIT } from '../auth-modes/oauth1-body.js';
import { authModes } from '../auth-modes/registry.js';
import type { CompiledAuthentication } from '../compiled.js';
import { Credentials } from '../credentials/credentials.js';
import { errorResponse } from '../error-responses.js';
import { fireRequestEvent } from '../events/api-events.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type RespondResult, type Step, type StepResult } from '../step.js';

/**
 * Establishes who is calling, with every mode the API requires (compiled at load from its
 * definition: API keys unless it says otherwise, as in Tyk; several modes are chained and all must
 * pass). On success `ctx.identity` is the base mode's identity; a missing or refused credential gets
 * the refusing mode's 401 with its challenge, the same body either way (STYLE habit 7).
 * Keyless APIs leave this step out of their chain altogether.
 */
export const authenticate: Step = {
  name: 'authenticate',
  always: false,
  enabledFor: (api) => !api.use_keyless,
  handle(ctx: RequestContext): StepResult {
    const result = ctx.api!.authentication!.check(ctx);
    noteRefusal(ctx, result);
    return result;
  },
};

/**
 * The 401s of an API, prepared once. RFC 6750 §3: a bearer challenge names `invalid_token` only
 * when a token was presented. The realm is the API's id (a token of characters needing no escaping).
 */
export function authAnswers(api: ApiDefinition, scheme: ChallengeScheme): AuthAnswers {
  const realm = `${scheme} realm="${api.api_id}"`;
  const invalid = scheme === 'Bearer' ? `${realm}, error="invalid_token"` : realm;
  return {
    missing: errorResponse('auth_required', ['www-authenticate', realm]),
    invalid: errorResponse('auth_required', ['www-authenticate', invalid]),
  };
}

let offline: Credentials | null = null;

/** Credentials with no auth service behind them: for configurations compiled without one (tests). */
function offlineCredentials(): Credentials {
  const unavailable = () => Promise.reject(new PortcullisError('service_unavailable'));
  offline ??= new Credentials(
    { lookup: unavailable, authJwks: unavailable, introspect: unavailable, claimNonce: unavailable, fetchJson: unavailable, now: Date.now },
    { warn: () => undefined },
  );
  return offline;
}

export function compileAuthentication(
  api: ApiDefinition,
  credentials: Credentials = offlineCredentials(),
  signedBodyLimit = DEFAULT_SIGNED_BODY_LIMIT,
): CompiledAuthentication | null {
  if (!authenticate.enabledFor(api)) return null;
  const modes = authModesOf(api);
  const baseMode = authModeOf(api);
  const deps = { credentials, clock: () => credentials.now(), signedBodyLimit };
  const challenges = new Set<RespondResult>();
  const stages = modes.map((mode): AuthStage => {
    const module = authModes.get(mode)!;
    const answers = authAnswers(api, module.scheme);
    challenges.add(answers.missing);
    return { check: module.compile(api, deps, answers), base: mode === baseMode };
  });
  // One mode (nearly every API): its own check, nothing added on the hot path.
  const check = stages.length === 1 ? stages[0]!.check : chainModes(stages, deps.clock);
  return { mode: baseMode, modes, check, challenges };
}

interface AuthStage {
  readonly check: AuthCheck;
  /** Its identity is the request's: policy, rights, limits and analytics (base_identity_provided_by). */
  readonly base: boolean;
}

const inactive = fail('credential_inactive');
const expired = fail('credential_expired');

/**
 * Several modes, as Tyk chains them: each in turn, the first refusal answers (that mode's 401 and
 * challenge). Only the base mode's identity is kept; the others only have to authenticate (and,
 * stricter than Tyk, be neither inactive nor expired). Between modes `ctx.identity` is the base
 * identity or null, so a refusal is recorded against that one identity, never another mode's.
 */
export function chainModes(stages: readonly AuthStage[], clock: () => number): AuthCheck {
  return (ctx) => {
    let stage = ctx.authStage;
    // Re-entered (see below): the mode before this call waited on a lookup and passed.
    if (stage > 0) {
      const refused = settle(ctx, stages[stage - 1]!, clock);
      if (refused !== null) return refused;
    }
    while (stage < stages.length) {
      const current = stages[stage]!;
      ctx.authStage = ++stage;
      ctx.identity = ctx.baseIdentity;
      const result = current.check(ctx);
      if (result.kind === 'pending') {
        // The mode resumes the chain when its lookup settles, and a pass moves on by one step:
        // stepping back first makes that move land on this step again, for the remaining modes.
        ctx.index--;
        return result;
      }
      if (result.kind !== 'continue') return result;
      const refused = settle(ctx, current, clock);
      if (refused !== null) return refused;
    }
    ctx.identity = ctx.baseIdentity;
    return CONTINUE;
  };
}

/** A mode passed: keep its identity if it is the base one, else check it is usable and drop it. */
function settle(ctx: RequestContext, stage: AuthStage, clock: () => number): StepResult | null {
  const identity = ctx.identity!;
  if (stage.base) {
    ctx.baseIdentity = identity;
    return null;
  }
  ctx.identity = ctx.baseIdentity;
  const refusal = !identity.rights.active ? inactive : identity.expiresAt > 0 && identity.expiresAt * 1000 <= clock() ? expired : null;
  if (refusal !== null) ctx.refusal = 'forbidden';
  if (refusal === expired) fireRequestEvent(ctx, 'KeyExpired', identity.id);
  return refusal;
}
