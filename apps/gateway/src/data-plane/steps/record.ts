import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step, type StepResult } from '../step.js';

/**
 * Counts the request and its duration under its API (or under no API when nothing matched). Runs
 * last and always, whichever step answered, once the response has been handed to Node.
 */
export const record: Step = {
  name: 'record',
  always: true,
  enabledFor: () => true,
  handle(ctx: RequestContext): StepResult {
    const recorder = ctx.api === null ? ctx.config.unmatched : ctx.api.recorder;
    recorder.observe(ctx.status, (performance.now() - ctx.startedAt) / 1000);
    return CONTINUE;
  },
};
