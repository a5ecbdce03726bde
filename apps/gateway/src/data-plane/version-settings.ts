import type { ApiDefinition } from '@portcullis/domain';

/**
 * The version whose settings (extended paths, global size limit) the request checks read. Until
 * versions are served, that is the API's one version: `default_version` when it names one, else the
 * first in `version_data.versions`, as Tyk serves a not-versioned API. The one place to re-point when
 * requests are matched to a version.
 */
export interface VersionSettings {
  readonly extendedPaths: Record<string, unknown>;
  readonly globalSizeLimit: number;
  /** Tyk's `ignore_endpoint_case`: extended-path entries match the path in any case. */
  readonly ignoreCase: boolean;
}

const NONE: VersionSettings = Object.freeze({ extendedPaths: {}, globalSizeLimit: 0, ignoreCase: false });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function versionSettings(api: ApiDefinition): VersionSettings {
  const data = (api as { version_data?: unknown }).version_data;
  if (!isObject(data) || !isObject(data.versions)) return NONE;
  const versions = data.versions;
  const chosen = typeof data.default_version === 'string' && isObject(versions[data.default_version]) ? versions[data.default_version] : Object.values(versions)[0];
  if (!isObject(chosen)) return NONE;
  const limit = chosen.global_size_limit;
  return {
    extendedPaths: isObject(chosen.extended_paths) ? chosen.extended_paths : {},
    globalSizeLimit: typeof limit === 'number' && limit > 0 ? limit : 0,
    ignoreCase: chosen.ignore_endpoint_case === true,
  };
}

/** The entries of one `extended_paths` list (`size_limits`, `validate_json`, ...), objects only. */
export function extendedPathEntries(api: ApiDefinition, list: string): Record<string, unknown>[] {
  const entries = versionSettings(api).extendedPaths[list];
  return Array.isArray(entries) ? entries.filter(isObject) : [];
}

/**
 * Tyk's classic path matching for extended-path entries: the path is a regular expression, `{name}`
 * placeholders standing for one segment, matched against the path below the listen path without
 * anchors (Tyk's default; a broader match only makes these checks apply more often). A pattern that
 * does not compile matches every path, so a check meant for it is never skipped.
 */
export function compileTykPath(path: string, ignoreCase: boolean): RegExp {
  const source = path.replace(/\{[^/}]*\}/g, '[^/]+');
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch {
    return /(?:)/;
  }
}
