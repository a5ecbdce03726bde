import { readVersionShaping, type ApiDefinition, type ShapedPath, type TrackedEndpoint, type VersionShaping } from '@portcullis/domain';
import { pathBelow } from './steps/authorise.js';
import type { RequestContext } from './request-context.js';
import { compilePerVersion, forRequestVersion, type PerVersion } from './version-settings.js';

/**
 * Tyk's endpoint lists for analytics, per version: `do_not_track_endpoints` (left out) and
 * `track_endpoints` (counted under the entry). Both match as Tyk's extended paths do: the entry's
 * pattern, unanchored, against the path below the listen path, and its method ('' for any).
 */

/** One list of every version, read from the same reading as validation's: null when no version lists any. */
function compileList<T extends ShapedPath>(api: ApiDefinition, pick: (shaping: VersionShaping) => readonly T[]): PerVersion<readonly T[]> | null {
  return compilePerVersion(api, (settings) => {
    const raw = (api as { version_data?: { versions?: Record<string, Record<string, unknown>> } }).version_data!.versions![settings.name]!;
    const paths = pick(readVersionShaping(raw, `version_data.versions.${settings.name}`).value);
    return paths.length > 0 ? paths : null;
  });
}

/** Each version's do_not_track_endpoints: null when none lists any. */
export function compileUntracked(api: ApiDefinition): PerVersion<readonly ShapedPath[]> | null {
  return compileList(api, (shaping) => shaping.doNotTrack);
}

/** Each version's track_endpoints: null when none lists any (the record step then never looks). */
export function compileTracked(api: ApiDefinition): PerVersion<readonly TrackedEndpoint[]> | null {
  return compileList(api, (shaping) => shaping.trackEndpoints);
}

/** The first entry of `paths` the request matches, or null. */
function firstMatch<T extends ShapedPath>(compiled: PerVersion<readonly T[]>, ctx: RequestContext): T | null {
  const paths = forRequestVersion(compiled, ctx);
  if (paths === null) return null;
  const path = pathBelow(ctx.path, ctx.api!.listenPath);
  const method = ctx.req.method;
  for (let i = 0; i < paths.length; i++) {
    const entry = paths[i]!;
    if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) return entry;
  }
  return null;
}

/** Whether the request's path and method are listed in its version's do_not_track_endpoints. */
export function isUntracked(compiled: PerVersion<readonly ShapedPath[]>, ctx: RequestContext): boolean {
  return firstMatch(compiled, ctx) !== null;
}

/**
 * The endpoint the request counts under: the name of the first track_endpoints entry it matches (the
 * definition's text, so never more values than entries), or undefined when it matches none.
 */
export function trackedEndpoint(compiled: PerVersion<readonly TrackedEndpoint[]>, ctx: RequestContext): string | undefined {
  return firstMatch(compiled, ctx)?.endpoint;
}
