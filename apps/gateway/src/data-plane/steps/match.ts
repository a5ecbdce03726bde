import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type Step, type StepResult } from '../step.js';

const notFound = fail('api_not_found');
const invalidPath = fail('invalid_path');

/**
 * Finds the API a request belongs to in the configuration it started with (longest listen path,
 * host-bound APIs first) and switches the request onto that API's compiled chain. Inactive APIs are
 * never in the table (Tyk does not load them), so they answer 404 like unknown ones. A path whose
 * dot segments climb above the root is refused first (400): it could not be routed honestly.
 */
export const match: Step = {
  name: 'match',
  always: false,
  enabledFor: () => true,
  handle(ctx: RequestContext): StepResult {
    if (ctx.pathInvalid) return invalidPath;
    const routes = ctx.config.routes;
    const api = routes.match(routes.usesDomains ? ctx.host : null, ctx.path);
    if (api === undefined) return notFound;
    ctx.api = api;
    ctx.chain = api.chain;
    return CONTINUE;
  },
};
