import { errorResponseSaying } from '../error-responses.js';
import { fireRequestEvent } from '../events/api-events.js';
import type { ApiIdSet } from '../compiled.js';
import type { CompiledAccessRight, CompiledRights } from '../identity.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, type Step, type StepResult } from '../step.js';

const inactive = fail('credential_inactive');
const expired = fail('credential_expired');
const denied = fail('access_denied');

/**
 * Decides whether the caller `authenticate` established may make this request (403 otherwise), in
 * Tyk's order: an inactive key or policy, an expired credential, an API the rights do not list, a
 * version of a versioned API they do not list, a path and method no `allowed_urls` entry permits.
 * Everything it consults was compiled with the rights (regexes included), so this only looks things
 * up. A refusal because a policy or API the credential names was deleted says which (same code), so
 * its holder can tell an admin; working out which happens on the refusal path only.
 */
export const authorise: Step = {
  name: 'authorise',
  always: false,
  // Keyless APIs have no caller to authorise; every other API has authenticate before this.
  enabledFor: (api) => !api.use_keyless,
  handle(ctx: RequestContext): StepResult {
    const identity = ctx.identity!;
    const rights = identity.rights;
    let refusal: StepResult | null = rights.active
      ? null
      : rights.inactiveBecause === null
        ? inactive
        : errorResponseSaying('credential_inactive', rights.inactiveBecause);
    if (refusal === null && identity.expiresAt > 0 && identity.expiresAt * 1000 <= Date.now()) refusal = expired;
    if (refusal === null) {
      const api = ctx.api!;
      const access = rights.accessRights.get(api.id);
      if (access === undefined) refusal = notListed(rights, ctx.config.definedApiIds);
      else if (!versionAllowed(access, ctx) || !pathAllowed(access, ctx, api.listenPath)) refusal = denied;
    }
    if (refusal === null) return CONTINUE;
    ctx.refusal = 'forbidden';
    if (refusal === expired) fireRequestEvent(ctx, 'KeyExpired');
    return refusal;
  },
};

/**
 * This API is not in the rights. If they name an API the registry no longer holds (deleted, or
 * replaced by this one under a new id), say which; otherwise the plain refusal.
 */
function notListed(rights: CompiledRights, definedApiIds: ApiIdSet): StepResult {
  for (const apiId of rights.accessRights.keys()) {
    if (!definedApiIds.has(apiId)) return errorResponseSaying('access_denied', `API '${apiId}' no longer exists`);
  }
  return denied;
}

/**
 * Tyk's AccessRightsCheck: on a versioned API the rights must list the version the request resolved
 * to; an empty `versions` list allows none (Tyk loops over it). Not-versioned APIs are not checked.
 */
export function versionAllowed(access: CompiledAccessRight, ctx: RequestContext): boolean {
  const versions = ctx.api!.versions;
  if (versions === null || !versions.versioned) return true;
  return access.versions.includes(ctx.version!.name);
}

/** allowed_urls on the path below the listen path, or, URL-versioned, below the version segment too. */
function pathAllowed(access: CompiledAccessRight, ctx: RequestContext, listenPath: string): boolean {
  const method = ctx.req.method!;
  if (urlAllowed(access, pathBelow(ctx.path, listenPath), method)) return true;
  return ctx.versionlessPath !== null && urlAllowed(access, ctx.versionlessPath, method);
}

/**
 * Tyk's granular access: with no `allowed_urls` the whole API is allowed; otherwise some entry's
 * regex must match the path below the listen path (unanchored, as Tyk matches it) and list the
 * method. An entry with no methods allows none, as in Tyk (its dashboard always fills them).
 */
export function urlAllowed(access: CompiledAccessRight, path: string, method: string): boolean {
  const urls = access.allowedUrls;
  if (urls.length === 0) return true;
  for (let i = 0; i < urls.length; i++) {
    const url = urls[i]!;
    if (url.methods.has(method) && url.pattern.test(path)) return true;
  }
  return false;
}

/** The request path as seen below the API's listen path: `/orders/1` under `/shop` for `/shop/orders/1`. */
export function pathBelow(path: string, listenPath: string): string {
  if (listenPath === '/') return path;
  const rest = path.slice(listenPath.length);
  return rest === '' ? '/' : rest;
}
