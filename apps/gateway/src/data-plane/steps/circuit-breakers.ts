import { readCircuitBreaker, type ApiDefinition } from '@portcullis/domain';
import { preparedError } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step, type StepResult } from '../step.js';
import { CircuitBreaker, REFUSED, TRIAL, type BreakerListener } from '../upstreams/circuit-breaker.js';
import { compilePerVersion, compileTykPath, extendedPathEntries, forRequestVersion, type PerVersion } from '../version-settings.js';
import { pathBelow } from './authorise.js';

/** One version's breakers, in the order of its entries (the first match applies, as in Tyk). */
export type CompiledBreakers = readonly { readonly pattern: RegExp; readonly method: string; readonly breaker: CircuitBreaker }[];

/** Each version's circuit breakers; null when no version has one. */
export function compileBreakers(api: ApiDefinition, listener: BreakerListener): PerVersion<CompiledBreakers> | null {
  return compilePerVersion(api, (settings) => {
    const rules = extendedPathEntries(settings, 'circuit_breakers').flatMap((entry) => {
      // Validation refused a bad entry; one that slipped in (an old stored definition) is skipped.
      const spec = readCircuitBreaker(entry, '', []);
      if (spec === null) return [];
      const labels = { api_id: api.api_id, version: settings.name, method: spec.method, path: spec.path };
      return [{ pattern: compileTykPath(spec.path, settings.ignoreCase), method: spec.method, breaker: new CircuitBreaker(spec, labels, listener) }];
    });
    return rules.length === 0 ? null : rules;
  });
}

function hasBreakers(api: ApiDefinition): boolean {
  return compilePerVersion(api, (settings) => (extendedPathEntries(settings, 'circuit_breakers').length > 0 ? true : null)) !== null;
}

/**
 * Tyk's circuit breakers: an open breaker answers 503 circuit_open at once, the upstream not called.
 * An admitted request carries its breaker (ctx.breaker) to the proxy, which reports the outcome.
 */
export const circuitBreakers: Step = {
  name: 'circuit-breakers',
  always: false,
  enabledFor: hasBreakers,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const rules = forRequestVersion(api.breakers!, ctx);
    if (rules === null) return CONTINUE;
    const method = ctx.req.method!;
    const path = pathBelow(ctx.path, api.listenPath);
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i]!;
      if ((rule.method === '' || rule.method === method) && rule.pattern.test(path)) {
        const admission = rule.breaker.admit();
        if (admission === REFUSED) return preparedError('circuit_open');
        ctx.breaker = rule.breaker;
        ctx.breakerTrial = admission === TRIAL;
        break;
      }
    }
    return CONTINUE;
  },
};
