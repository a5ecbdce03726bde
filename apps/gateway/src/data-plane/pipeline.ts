import { authenticate } from './steps/authenticate.js';
import { authorise } from './steps/authorise.js';
import { ipLists } from './steps/ip-lists.js';
import { match } from './steps/match.js';
import { oauthEndpoints } from './steps/oauth-endpoints.js';
import { proxy } from './steps/proxy.js';
import { quota } from './steps/quota.js';
import { rateLimit } from './steps/rate-limit.js';
import { record } from './steps/record.js';
import type { Step } from './step.js';

/**
 * Every step a request can run through, in order; each API's chain is this list minus the steps
 * it does not use (decided at load). Ordering rules, as Tyk's api_loader.go keeps them:
 *  - match is first: it picks the API, and with it the chain the rest of the request runs.
 *  - ip-lists (APIs with an IP allow or block list) comes before anything that authenticates, as in
 *    Tyk: a refused address costs no credential lookup. It covers the API's OAuth endpoints too
 *    (stricter than Tyk, whose OAuth routes skip the chain).
 *  - oauth-endpoints (OAuth APIs only) answers the API's own token and authorize endpoints, which
 *    need no credential of the API, so it comes before authenticate.
 *  - authenticate comes before anything keyed on identity: authorise, rate-limit, quota.
 *  - authorise before the limits: a request the caller may not make costs it nothing.
 *  - rate-limit before quota: a burst refused by the rate limit does not use up the quota (Tyk
 *    checks them in this order too), and the quota, durable and leased, is the dearer to spend.
 *  - quota is the last check before proxy, so a unit is spent only on a request that goes out.
 *  - transform steps (later) sit right before proxy, so nothing after them sees a rewritten request.
 *  - proxy is the last step that answers.
 *  - record is `always`: it runs after whatever answered, failures included, and comes last.
 */
export const pipeline: readonly Step[] = [match, ipLists, oauthEndpoints, authenticate, authorise, rateLimit, quota, proxy, record];

/** What runs before an API is known: match, and record for requests that match nothing. */
export const entryChain: readonly Step[] = pipeline.filter((step) => step === match || step.always);
