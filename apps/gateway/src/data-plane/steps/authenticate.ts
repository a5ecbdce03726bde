import type { ApiDefinition } from '@portcullis/domain';
import type { CompiledAuthentication } from '../compiled.js';
import { errorResponse } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import type { Step, StepResult } from '../step.js';

/**
 * Establishes who is calling. Keyless APIs leave this step out of their chain altogether. Every
 * other API needs a credential; the modes that check one (auth token, JWT, OAuth 2.0, basic) arrive
 * in later issues, each compiled into `CompiledAuthentication` from its definition flag and tried
 * here before the challenge. Until then nothing is accepted, and the answer is the same 401 for a
 * missing or a wrong credential (STYLE habit 7).
 */
export const authenticate: Step = {
  name: 'authenticate',
  always: false,
  enabledFor: (api) => !api.use_keyless,
  handle(ctx: RequestContext): StepResult {
    return ctx.api!.authentication!.challenge;
  },
};

export function compileAuthentication(api: ApiDefinition): CompiledAuthentication | null {
  if (!authenticate.enabledFor(api)) return null;
  // RFC 9110 §11.6.1: a 401 carries a challenge. api_id is restricted to token characters, so it
  // needs no escaping inside the quoted realm.
  return { challenge: errorResponse('auth_required', ['www-authenticate', `Bearer realm="${api.api_id}"`]) };
}
