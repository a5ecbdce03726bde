import { appendQuotaHeaders, createQuotaResult, type QuotaResult } from '@portcullis/rate-limit';
import { resumeChain } from '../chain.js';
import { isPromise } from '../enforcement.js';
import { preparedError } from '../error-responses.js';
import { fireRequestEvent } from '../events/api-events.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, PENDING, respond, type Step, type StepResult } from '../step.js';

const exhausted = preparedError('quota_exceeded');

/**
 * Spends one unit of the caller's quota (`quota_max` requests per `quota_renewal_rate` seconds).
 * Usage is durable in the auth service; the spender holds a small lease of units taken from it and
 * spends those locally, so most requests decide synchronously and only a lease refill is waited
 * for. Out of quota is a 429 (Tyk answers 403; its users ask for 429, Tyk issue #8191) with
 * Retry-After until renewal. The X-Quota-* headers are the quota's alone, never mixed with the
 * rate limit's (Tyk mixed them).
 */
export const quota: Step = {
  name: 'quota',
  always: false,
  enabledFor: (api) => !api.use_keyless,
  handle(ctx: RequestContext): StepResult {
    const identity = ctx.identity!;
    const api = ctx.api!;
    // authorise has passed: the rights list this API. A per-API limit (Tyk's access_rights.<api>.limit)
    // has a quota of its own, kept under the identity scoped to the API (ids are hashes: no ':').
    const perApi = identity.rights.accessRights.get(api.id)?.limit ?? null;
    const limits = perApi ?? identity.rights;
    if (limits.quotaMax < 0 || limits.quotaRenewalRate <= 0) return CONTINUE;
    const account = perApi === null ? identity.id : `${identity.id}:${api.id}`;
    // The request's own result: the spender may fill it after a lease arrives.
    const decision = api.enforcement.quota.spend(account, limits.quotaMax, limits.quotaRenewalRate, createQuotaResult());
    if (!isPromise(decision)) return decide(ctx, decision);
    // Never rejects: with the auth service unreachable the spender decides by its own rule.
    void decision.then((settled) => resumeChain(ctx, decide(ctx, settled)));
    return PENDING;
  },
};

function decide(ctx: RequestContext, result: QuotaResult): StepResult {
  if (result.allowed) {
    ctx.extraHeaders = appendQuotaHeaders(ctx.extraHeaders ?? [], result);
    return CONTINUE;
  }
  ctx.refusal = 'quota_exceeded';
  fireRequestEvent(ctx, 'QuotaExceeded');
  return respond(429, appendQuotaHeaders([...exhausted.headers], result), exhausted.body);
}
