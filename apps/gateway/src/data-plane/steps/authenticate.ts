import { authModeOf, type ApiDefinition } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { noteRefusal, type AuthAnswers, type ChallengeScheme } from '../auth-modes/auth-mode.js';
import { DEFAULT_SIGNED_BODY_LIMIT } from '../auth-modes/oauth1-body.js';
import { authModes } from '../auth-modes/registry.js';
import type { CompiledAuthentication } from '../compiled.js';
import { Credentials } from '../credentials/credentials.js';
import { errorResponse } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import type { Step, StepResult } from '../step.js';

/**
 * Establishes who is calling, with the one mode the API uses (compiled at load from its definition:
 * API keys unless it says otherwise, as in Tyk). On success the mode sets `ctx.identity`; a missing
 * or refused credential gets a 401 with a challenge, the same body either way (STYLE habit 7).
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
  offline ??= new Credentials({ lookup: unavailable, authJwks: unavailable, introspect: unavailable, claimNonce: unavailable, fetchJson: unavailable, now: Date.now }, { warn: () => undefined });
  return offline;
}

export function compileAuthentication(
  api: ApiDefinition,
  credentials: Credentials = offlineCredentials(),
  signedBodyLimit = DEFAULT_SIGNED_BODY_LIMIT,
): CompiledAuthentication | null {
  if (!authenticate.enabledFor(api)) return null;
  const mode = authModeOf(api);
  const module = authModes.get(mode)!;
  const answers = authAnswers(api, module.scheme);
  const check = module.compile(api, { credentials, clock: () => credentials.now(), signedBodyLimit }, answers);
  return { mode, check, challenge: answers.missing };
}
