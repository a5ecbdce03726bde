import { authenticate } from './steps/authenticate.js';
import { match } from './steps/match.js';
import { oauthEndpoints } from './steps/oauth-endpoints.js';
import { proxy } from './steps/proxy.js';
import { record } from './steps/record.js';
import type { Step } from './step.js';

/**
 * Every step a request can run through, in order; each API's chain is this list minus the steps
 * it does not use (decided at load). Ordering rules, as Tyk's api_loader.go keeps them:
 *  - match is first: it picks the API, and with it the chain the rest of the request runs.
 *  - oauth-endpoints (OAuth APIs only) answers the API's own token and authorize endpoints, which
 *    need no credential of the API, so it comes before authenticate.
 *  - authenticate comes before anything keyed on identity (authorise, rate-limit, quota, in later
 *    issues, go between it and proxy, in that order: limits count only permitted requests).
 *  - transform steps (later) sit right before proxy, so nothing after them sees a rewritten request.
 *  - proxy is the last step that answers.
 *  - record is `always`: it runs after whatever answered, failures included, and comes last.
 */
export const pipeline: readonly Step[] = [match, oauthEndpoints, authenticate, proxy, record];

/** What runs before an API is known: match, and record for requests that match nothing. */
export const entryChain: readonly Step[] = pipeline.filter((step) => step === match || step.always);
