import type { ApiDefinition } from '@portcullis/domain';
import { compileRule, createResult, headerNames, type RateLimitResult, type RateRule } from '@portcullis/rate-limit';
import { resumeChain } from '../chain.js';
import { isPromise } from '../enforcement.js';
import { preparedError } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, PENDING, respond, type Step, type StepResult } from '../step.js';

const tooMany = preparedError('api_rate_limited');
/** As in the rate-limit step: a limiter that decides at once writes into one shared result. */
const sharedResult = createResult();

/**
 * Tyk's `global_rate_limit` ({rate, per}): one allowance for the whole API, every caller counted
 * together (keyless APIs included), after the caller's own limits as Tyk's RateLimitForAPI runs. It
 * goes through the gateway's rate limiter like a key's limit, so it is shared across gateways the
 * same way (Redis, or shares over NATS). Over it: 429 with Tyk's "API Rate limit exceeded" and
 * Retry-After; the caller's own X-RateLimit headers are not this limit's, so none are added.
 */
export interface CompiledApiRateLimit {
  /** The limiter's identity for this API's shared allowance: never a caller's. */
  readonly identity: string;
  readonly rule: RateRule;
}

function globalRateOf(api: ApiDefinition): { rate: number; per: number } | null {
  const raw = (api as { global_rate_limit?: unknown }).global_rate_limit;
  if (raw === null || typeof raw !== 'object') return null;
  const { rate, per, disabled } = raw as { rate?: unknown; per?: unknown; disabled?: unknown };
  if (disabled === true || typeof rate !== 'number' || typeof per !== 'number' || !(rate > 0) || !(per > 0)) return null;
  return { rate, per };
}

export function compileApiRateLimit(api: ApiDefinition): CompiledApiRateLimit | null {
  const limit = globalRateOf(api);
  if (limit === null) return null;
  // Tyk's bucket name; the limiter keeps it apart from callers' ids (those are hashes).
  return { identity: `apilimiter-${api.org_id}${api.api_id}`, rule: compileRule(limit.rate, limit.per) };
}

export const apiRateLimit: Step = {
  name: 'api-rate-limit',
  always: false,
  enabledFor: (api) => globalRateOf(api) !== null,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const limit = api.apiRateLimit!;
    const decision = api.enforcement.rateLimiter.check(
      limit.identity,
      api.id,
      limit.rule,
      api.enforcement.rateLimiterDecidesAtOnce ? sharedResult : createResult(),
    );
    if (!isPromise(decision)) return decide(ctx, decision);
    // The limiter never rejects: when its store fails it decides with its fallback.
    void decision.then((settled) => resumeChain(ctx, decide(ctx, settled)));
    return PENDING;
  },
};

function decide(ctx: RequestContext, result: RateLimitResult): StepResult {
  if (result.allowed) return CONTINUE;
  ctx.refusal = 'rate_limited';
  return respond(429, [...tooMany.headers, headerNames.retryAfter, String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)))], tooMany.body);
}
