import { errorResponse } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type Step, type StepResult } from '../step.js';

const notFound = fail('api_not_found');
const invalidPath = fail('invalid_path');
/**
 * RFC 9110 §15.5.6: a 405 lists the methods the resource supports: all the gateway forwards (CONNECT
 * never reaches a chain: Node hands it to the 'connect' event, which the data plane does not serve).
 */
const traceRefused = errorResponse('method_not_allowed', ['allow', 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS']);

/**
 * Finds the API a request belongs to in the configuration it started with (longest listen path,
 * host-bound APIs first) and switches the request onto that API's compiled chain. Inactive APIs are
 * never in the table (Tyk does not load them), so they answer 404 like unknown ones. A path whose
 * dot segments climb above the root is refused first (400): it could not be routed honestly. TRACE
 * is refused (405) unless the API allows it.
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
    // TRACE echoes the request back, credentials and cookies included (cross-site tracing): answered
    // 405 here, before authentication, unless the API opts in with proxy.allow_trace.
    if (ctx.req.method === 'TRACE' && !api.upstream.allowTrace) return traceRefused;
    return CONTINUE;
  },
};
