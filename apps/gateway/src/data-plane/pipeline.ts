import { apiRateLimit } from './steps/api-rate-limit.js';
import { authenticate } from './steps/authenticate.js';
import { authorise } from './steps/authorise.js';
import { cache } from './steps/cache.js';
import { cors } from './steps/cors.js';
import { ipLists } from './steps/ip-lists.js';
import { clientCertificate } from './steps/client-certificate.js';
import { match } from './steps/match.js';
import { oauthEndpoints } from './steps/oauth-endpoints.js';
import { proxy } from './steps/proxy.js';
import { quota } from './steps/quota.js';
import { rateLimit } from './steps/rate-limit.js';
import { shape } from './steps/shape.js';
import { transformBody } from './steps/transform-body.js';
import { record } from './steps/record.js';
import { versionCheck } from './steps/version-check.js';
import { sizeLimit } from './steps/size-limit.js';
import { validateJson } from './steps/validate-json.js';
import { circuitBreakers } from './steps/circuit-breakers.js';
import type { Step } from './step.js';

/**
 * Every step a request can run through, in order; each API's chain is this list minus the steps
 * it does not use (decided at load). Ordering rules, as Tyk's api_loader.go keeps them:
 *  - match is first: it picks the API, and with it the chain the rest of the request runs.
 *  - cors right after match: Tyk wraps an API's whole chain in its CORS handler, so a preflight
 *    (sent by browsers without credentials) is answered before authentication, and the CORS headers
 *    it sets for an actual request are on every answer, the gateway's errors included.
 *  - ip-lists (APIs with an IP allow or block list) after cors, so its 403 carries the CORS headers
 *    as Tyk's does, and before anything that authenticates, as in Tyk: a refused address costs no
 *    credential lookup. It covers the API's OAuth endpoints too (stricter than Tyk, whose OAuth
 *    routes skip the chain).
 *  - client-certificate (use_mutual_tls_auth APIs only) right after ip-lists and before anything
    that authenticates, as Tyk's CertificateCheckMW: a client without an allowed certificate costs
    no credential lookup, and its 403 carries the CORS headers.
  - oauth-endpoints (OAuth APIs only) answers the API's own token and authorize endpoints, which
 *    need no credential of the API, so it comes before authenticate.
 *  - version-check (versioned APIs and path rules) comes before authenticate, as Tyk's VersionCheck:
 *    a missing, unknown or expired version and a forbidden path answer 403 without a credential, and
 *    an ignored path must be known before authenticate to skip it (see `withoutIdentitySteps`).
 *  - size-limit right after version-check and before authentication, as Tyk's
 *    RequestSizeLimitMiddleware (after VersionCheck there too): the limits are the resolved
 *    version's (Tyk's `spec.Version(r)`), and version-check reads no body, so an oversized declared
 *    body is still refused before anything (an auth mode included) reads it. The API's OAuth
 *    endpoints, answered earlier, bound their own form bodies (Tyk's OAuth routes skip the chain).
 *  - authenticate comes before anything keyed on identity: authorise, rate-limit, quota.
 *  - authorise before the limits: a request the caller may not make costs it nothing.
 *  - rate-limit before quota: a burst refused by the rate limit does not use up the quota (Tyk
 *    checks them in this order too), and the quota, durable and leased, is the dearer to spend.
 *  - api-rate-limit (global_rate_limit) after the caller's own limits, where Tyk's RateLimitForAPI
 *    runs: a request the caller's limits refuse does not use up the API's shared allowance.
 *  - validate-json after the limits (Tyk's order): a body is read and parsed only for a request
 *    that may otherwise go out.
 *  - quota spends a unit before api-rate-limit and validate-json: as in Tyk, whose
 *    RateLimitAndQuotaCheck comes before both.
 *  - shape (APIs with header transforms, mocks, rewrites, method transforms, hard timeouts, internal
 *    paths or strip_auth_data) right before proxy, where Tyk's transform and mock middleware run:
 *    after authentication (a mocked path still needs its credential; `$tyk_context` values are
 *    the authenticated request's) and after every check, so nothing before it sees a rewritten
 *    request. It is not an identity step: an ignored path's mock is answered too.
 *  - transform-body (paths with a body transform) right before shape, as Tyk's TransformJQMiddleware
 *    runs before TransformHeaders: the `tyk_context` a jq filter gives fills the header transforms'
 *    variables, and their headers replace its `rewrite_headers` of the same name. The response
 *    transform of the path is chosen here for the proxy. Before cache: the cache stores the
 *    transformed answer.
 *  - circuit-breakers right before proxy: an open breaker answers 503 in place of
 *    the upstream call, and only requests that would reach the upstream are its samples (a request
 *    refused by authentication or a limit tells nothing about the upstream's health).
 *  - cache (APIs with cache_options.enable_cache) after every check and the limits, and right
 *    before proxy: as Tyk's RedisCacheMiddleware, which api_loader.go adds after
 *    RateLimitAndQuotaCheck, the request checks and the transforms, a cached answer is only given to
 *    a caller allowed the request and still costs it its rate limit and quota; and it keys on the
 *    request as it would be sent (after any request transform). Before circuit-breakers: a hit
 *    calls no upstream, so an open breaker has no reason to refuse it, and a hit is no sample of the
 *    upstream's health.
 *  - proxy is the last step that answers.
 *  - record is `always`: it runs after whatever answered, failures included, and comes last.
 */
export const pipeline: readonly Step[] = [
  match,
  cors,
  ipLists,
  clientCertificate,
  oauthEndpoints,
  versionCheck,
  sizeLimit,
  authenticate,
  authorise,
  rateLimit,
  quota,
  apiRateLimit,
  validateJson,
  transformBody,
  shape,
  cache,
  circuitBreakers,
  proxy,
  record,
];

/** What runs before an API is known: match, and record for requests that match nothing. */
export const entryChain: readonly Step[] = pipeline.filter((step) => step === match || step.always);

/** The steps keyed on the caller's identity: a request to an ignored path (Tyk) runs none of them. */
const identitySteps: ReadonlySet<Step> = new Set([authenticate, authorise, rateLimit, quota]);

/**
 * An API's chain for requests to its ignored paths. Steps before version-check keep their places,
 * so the version step can swap this chain in mid-request and the index stays valid.
 */
export function withoutIdentitySteps(chain: readonly Step[]): readonly Step[] {
  return chain.filter((step) => !identitySteps.has(step));
}
