import { appendRateLimitHeaders, compileRule, createResult, type RateLimitResult, type RateRule } from '@portcullis/rate-limit';
import { resumeChain } from '../chain.js';
import { isPromise } from '../enforcement.js';
import { preparedError } from '../error-responses.js';
import { fireRequestEvent } from '../events/api-events.js';
import type { CompiledRights } from '../identity.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, PENDING, respond, type Step, type StepResult } from '../step.js';

const tooMany = preparedError('rate_limited');

/**
 * Tyk's limit is the key's across every API it may call (one allowance, not one per API), so the
 * limiter's API scope is '' unless the API has a per-API limit of its own (Tyk's
 * `access_rights.<api>.limit`): then that limit, scoped to the API, counted apart.
 */
const ACROSS_APIS = '';

/**
 * Rules are compiled once per compiled rights or per-API limit (shared by every request of a
 * session or policy version, and replaced when a policy changes), not per request.
 */
const rules = new WeakMap<Pick<CompiledRights, 'rate' | 'per'>, RateRule>();

function ruleFor(rights: Pick<CompiledRights, 'rate' | 'per'>): RateRule {
  let rule = rules.get(rights);
  if (rule === undefined) {
    rule = compileRule(rights.rate, rights.per);
    rules.set(rights, rule);
  }
  return rule;
}

/**
 * A limiter that decides at once writes into this one result, read before the next request can
 * run; one that answers later (Redis) gets a result of the request's own.
 */
const sharedResult = createResult();

/**
 * Holds the caller to its rights' `rate` requests per `per` seconds. The limiter decides locally
 * when it can (in memory, or its share of the limit when shared over NATS) and answers a promise
 * only when it needs a round trip (Redis); the chain then waits for it. Both answers carry the
 * limit's state: a 429 with Retry-After, or, when allowed, headers added to the proxied response.
 */
export const rateLimit: Step = {
  name: 'rate-limit',
  always: false,
  enabledFor: (api) => !api.use_keyless,
  handle(ctx: RequestContext): StepResult {
    const identity = ctx.identity!;
    const api = ctx.api!;
    // authorise has passed: the rights list this API.
    const perApi = identity.rights.accessRights.get(api.id)?.limit ?? null;
    const limits = perApi ?? identity.rights;
    if (!(limits.rate > 0) || !(limits.per > 0)) return CONTINUE;
    const enforcement = api.enforcement;
    const rule = ruleFor(limits);
    const decision = enforcement.rateLimiter.check(
      identity.id,
      perApi === null ? ACROSS_APIS : api.id,
      rule,
      enforcement.rateLimiterDecidesAtOnce ? sharedResult : createResult(),
    );
    if (!isPromise(decision)) return decide(ctx, decision, rule);
    // The limiter never rejects: when its store fails it decides with its fallback.
    void decision.then((settled) => resumeChain(ctx, decide(ctx, settled, rule)));
    return PENDING;
  },
};

function decide(ctx: RequestContext, result: RateLimitResult, rule: RateRule): StepResult {
  if (result.allowed) {
    ctx.extraHeaders = appendRateLimitHeaders(ctx.extraHeaders ?? [], result, rule);
    return CONTINUE;
  }
  ctx.refusal = 'rate_limited';
  fireRequestEvent(ctx, 'RatelimitExceeded');
  return respond(429, appendRateLimitHeaders([...tooMany.headers], result, rule), tooMany.body);
}
