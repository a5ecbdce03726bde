import type { ApiDefinition } from '@portcullis/domain';
import { errorResponse } from '../error-responses.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type RespondResult, type Step, type StepResult } from '../step.js';
import { compilePerVersion, compileTykPath, extendedPathEntries, forRequestVersion, type PerVersion, type VersionSettings } from '../version-settings.js';
import { pathBelow } from './authorise.js';

/**
 * Tyk's request size limits: the `global_size_limit` and `extended_paths.size_limits` entries
 * ({path, method, size_limit}) of the version the request resolved to, compiled per version at load
 * and checked before authentication, as Tyk's RequestSizeLimitMiddleware is. The global limit applies
 * to every request, then the first entry matching the path and method; the smaller wins.
 *
 * A declared Content-Length over the limit is refused before a byte of the body is read. Tyk refuses
 * a body without Content-Length (411); Portcullis takes a chunked body and counts it as it streams to
 * the upstream (the proxy's `ctx.bodyLimit`), refusing it the moment it passes the limit while the
 * upstream has not answered yet. Either way the answer is 413 with Tyk's message "Request is too
 * large" (Tyk answers 400), and the connection is closed so the rest of the body is never read.
 */
export interface CompiledSizeLimits {
  /** 0: none. */
  readonly global: number;
  readonly rules: readonly { readonly pattern: RegExp; readonly method: string; readonly limit: number }[];
}

export const tooLarge: RespondResult = errorResponse('request_too_large', ['connection', 'close']);

/** Each version's limits; null when no version sets any. */
export function compileSizeLimits(api: ApiDefinition): PerVersion<CompiledSizeLimits> | null {
  return compilePerVersion(api, compileVersionLimits);
}

function compileVersionLimits(settings: VersionSettings): CompiledSizeLimits | null {
  const rules = extendedPathEntries(settings, 'size_limits')
    .filter((entry) => typeof entry.path === 'string' && typeof entry.size_limit === 'number' && entry.size_limit > 0)
    .map((entry) => ({
      pattern: compileTykPath(entry.path as string, settings.ignoreCase),
      method: typeof entry.method === 'string' ? entry.method.toUpperCase() : '',
      limit: entry.size_limit as number,
    }));
  if (settings.globalSizeLimit === 0 && rules.length === 0) return null;
  return { global: settings.globalSizeLimit, rules };
}

/** The limit for this request: the global one and the first matching entry's, the smaller; -1: none. */
export function limitFor(limits: CompiledSizeLimits, method: string, path: string): number {
  let limit = limits.global > 0 ? limits.global : -1;
  const rules = limits.rules;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    // Tyk's entries name one method; an entry without one is taken to mean every method.
    if ((rule.method === '' || rule.method === method) && rule.pattern.test(path)) {
      if (limit === -1 || rule.limit < limit) limit = rule.limit;
      break;
    }
  }
  return limit;
}

export const sizeLimit: Step = {
  name: 'size-limit',
  always: false,
  enabledFor: (api) => compileSizeLimits(api) !== null,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const limits = forRequestVersion(api.sizeLimits!, ctx);
    if (limits === null) return CONTINUE;
    const limit = limitFor(limits, ctx.req.method!, pathBelow(ctx.path, api.listenPath));
    if (limit === -1) return CONTINUE;
    const declared = ctx.req.headers['content-length'];
    // Node's parser has already refused a malformed or conflicting Content-Length (400), and reads no
    // more than it declares.
    if (declared !== undefined) return Number(declared) > limit ? tooLarge : CONTINUE;
    if (ctx.req.headers['transfer-encoding'] !== undefined) ctx.bodyLimit = limit;
    return CONTINUE;
  },
};
