import { readVersioning, type ApiDefinition } from '@portcullis/domain';
import type { RequestContext } from './request-context.js';

/**
 * Settings each version of an API carries for the request checks (size limits, validate_json), read
 * per version as Tyk reads them (`spec.Version(r)`, then that version's paths): compiled at load for
 * every version, and the request is checked against the version it resolved to (`ctx.version`, set by
 * version-check, which therefore runs before these checks).
 */
export interface VersionSettings {
  readonly name: string;
  readonly extendedPaths: Record<string, unknown>;
  /** 0: none. */
  readonly globalSizeLimit: number;
  /** Tyk's `ignore_endpoint_case`: extended-path entries match the path in any case. */
  readonly ignoreCase: boolean;
}

/** What one check compiled for each version of an API. */
export interface PerVersion<T> {
  /** By version name; a version the check has nothing for is absent. */
  readonly byName: ReadonlyMap<string, T>;
  /**
   * An API without the version step (not versioned, no path rules: ctx.version stays null) has one
   * version, the one Tyk serves it with (the only one, else `Default`); its settings, or null.
   */
  readonly unversioned: T | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function settingsOf(name: string, version: Record<string, unknown>): VersionSettings {
  const limit = version.global_size_limit;
  return {
    name,
    extendedPaths: isObject(version.extended_paths) ? version.extended_paths : {},
    globalSizeLimit: typeof limit === 'number' && limit > 0 ? limit : 0,
    ignoreCase: version.ignore_endpoint_case === true,
  };
}

/**
 * Compiles one check for every version (`compile` answers null for a version it has nothing for);
 * null when no version has anything, so the check's step stays out of the API's chain.
 */
export function compilePerVersion<T>(api: ApiDefinition, compile: (settings: VersionSettings) => T | null): PerVersion<T> | null {
  const data = (api as { version_data?: unknown }).version_data;
  if (!isObject(data) || !isObject(data.versions)) return null;
  const byName = new Map<string, T>();
  for (const [name, version] of Object.entries(data.versions)) {
    if (!isObject(version)) continue;
    const compiled = compile(settingsOf(name, version));
    if (compiled !== null) byName.set(name, compiled);
  }
  if (byName.size === 0) return null;
  // The same reading as the version step's: the version a not-versioned API serves every request with.
  const single = readVersioning(api as Record<string, unknown>).value?.single ?? null;
  return { byName, unversioned: single === null ? null : (byName.get(single.name) ?? null) };
}

/** The check's settings for the version this request resolved to; null when that version has none. */
export function forRequestVersion<T>(compiled: PerVersion<T>, ctx: RequestContext): T | null {
  const version = ctx.version;
  return version === null ? compiled.unversioned : (compiled.byName.get(version.name) ?? null);
}

/** The entries of one `extended_paths` list (`size_limits`, `validate_json`, ...): objects, not disabled. */
export function extendedPathEntries(settings: VersionSettings, list: string): Record<string, unknown>[] {
  const entries = settings.extendedPaths[list];
  return Array.isArray(entries) ? entries.filter((entry): entry is Record<string, unknown> => isObject(entry) && entry.disabled !== true) : [];
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
