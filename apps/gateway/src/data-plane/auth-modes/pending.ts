import { resumeChain } from '../chain.js';
import type { RequestContext } from '../request-context.js';
import { fail, PENDING, type StepResult } from '../step.js';
import { noteRefusal } from './auth-mode.js';

const unavailable = fail('service_unavailable');
const clientGone = fail('auth_required');

/**
 * Hands the request over to `work` and resumes its chain with the outcome. A lookup that cannot be
 * made (the auth service is down) is a 503, never a 401: the credential may well be good.
 */
export function pendingUntil(ctx: RequestContext, work: Promise<StepResult>): StepResult {
  work.then(
    (result) => resumeSafely(ctx, result),
    () => resumeSafely(ctx, unavailable),
  );
  return PENDING;
}

function resumeSafely(ctx: RequestContext, result: StepResult): void {
  noteRefusal(ctx, result);
  // The client left while we waited: nothing is sent upstream; the chain records a 499.
  if (ctx.res.destroyed && result.kind === 'continue') result = clientGone;
  // resumeChain answers a bug in a later step itself (a generic 500), as the server's own try does.
  resumeChain(ctx, result);
}
