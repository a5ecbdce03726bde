import { readVersioning, type ApiDefinition, type PathRule, type VersionLocation, type VersionSpec, type Versioning } from '@portcullis/domain';
import type { CompiledUpstream } from '../compiled.js';
import type { Step } from '../step.js';

/** One version of an API as the version step looks it up. */
export interface CompiledVersion {
  readonly name: string;
  /** Milliseconds since the epoch from which it answers 403 "expired"; null: never. */
  readonly expiresAt: number | null;
  /** Tyk's order: ignored, black list, white list; the first entry matching path and method decides. */
  readonly rules: readonly PathRule[];
  readonly whiteListed: boolean;
  /** Its override_target's upstream; null: the API's own. */
  readonly upstream: CompiledUpstream | null;
}

/** An API's versions and path rules, compiled at load (patterns, dates and upstreams included). */
export interface CompiledVersions {
  readonly versioned: boolean;
  readonly location: VersionLocation | null;
  /** The header (lower case) or query parameter naming the version. */
  readonly key: string;
  readonly byName: ReadonlyMap<string, CompiledVersion>;
  /** default_version's version; null when none is set. */
  readonly defaultVersion: CompiledVersion | null;
  readonly fallbackToDefault: boolean;
  readonly stripVersion: boolean;
  readonly urlVersionPattern: RegExp | null;
  /** Set of one: the version header, dropped upstream with strip_versioning_data. */
  readonly dropHeader: ReadonlySet<string> | null;
  /** The version of a not-versioned API (the only one, or Default); null when versioned. */
  readonly single: CompiledVersion | null;
  /** The API's chain minus the steps keyed on identity: what a request to an ignored path runs. */
  readonly ignoredChain: readonly Step[];
}

/**
 * Whether an API needs the version step: requests name a version, or its one version has path
 * rules or its own upstream. A not-versioned API without either (most of Tyk's exports) pays nothing.
 */
export function needsVersionStep(api: ApiDefinition): boolean {
  return stepNeeded(readVersioning(api as Record<string, unknown>).value);
}

function stepNeeded(versioning: Versioning | null): versioning is Versioning {
  if (versioning === null) return false;
  if (versioning.versioned) return true;
  const single = versioning.single;
  return single !== null && (single.rules.length > 0 || single.whiteListed || single.overrideTarget !== null);
}

export function compileVersions(api: ApiDefinition, ignoredChain: readonly Step[], upstreamFor: (target: string) => CompiledUpstream): CompiledVersions | null {
  // Validation refused definitions with problems; what is read here is the same reading.
  const versioning = readVersioning(api as Record<string, unknown>).value;
  if (!stepNeeded(versioning)) return null;
  const compile = (spec: VersionSpec): CompiledVersion => ({
    name: spec.name,
    expiresAt: spec.expiresAt,
    rules: spec.rules,
    whiteListed: spec.whiteListed,
    upstream: spec.overrideTarget === null ? null : upstreamFor(spec.overrideTarget),
  });
  const byName = new Map<string, CompiledVersion>();
  for (const [name, spec] of versioning.versions) byName.set(name, compile(spec));
  const header = versioning.location === 'header' ? versioning.key.toLowerCase() : '';
  return {
    versioned: versioning.versioned,
    location: versioning.location,
    key: header !== '' ? header : versioning.key,
    byName,
    defaultVersion: byName.get(versioning.defaultVersion) ?? null,
    fallbackToDefault: versioning.fallbackToDefault,
    stripVersion: versioning.stripVersion,
    urlVersionPattern: versioning.urlVersionPattern,
    dropHeader: versioning.stripVersion && header !== '' ? new Set([header]) : null,
    single: versioning.single === null ? null : byName.get(versioning.single.name)!,
    ignoredChain,
  };
}
