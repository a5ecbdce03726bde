import type { ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's classic versioning (`definition` + `version_data`) and the path rules of each version
 * (`white_list`, `black_list`, `ignored`), read once: validation reports every problem with its
 * field, the gateway compiles the same reading into its version step. Tyk's semantics
 * (gateway/api_definition.go `Version`, `getVersionFromRequest`, `URLAllowedAndIgnored`):
 *
 *  - `not_versioned: true`: one version serves every request (the only one, else the one keyed
 *    `Default`, `default` or ``); its `expires` is not read.
 *  - Otherwise the version is read from a header, a query parameter or the first path segment below
 *    the listen path (`definition.location`: `header`, `url-param`, `url`; `definition.key`). None
 *    given: `default_version`, else 403 "Version information not found". An unknown name: 403 "This
 *    API version does not seem to exist" (or the default with `fallback_to_default`). A version past
 *    its `expires` ("2006-01-02 15:04", UTC): 403 "Api Version has expired...".
 *  - Path rules, in Tyk's order: ignored, black list, white list; the first entry matching path and
 *    method decides. A white list refuses whatever it does not list. Entries with `method_actions`
 *    apply to the methods listed there only; an action other than `no_action` blocks.
 *  - `use_extended_paths` picks the rule set: `extended_paths` when true, the legacy `paths` string
 *    lists (every method) when false, as Tyk's MakeSpec does.
 *
 * Path patterns are Tyk regular expressions, `{name}` standing for one segment and `/*` for any
 * rest. White-list and ignored entries starting with `/` are anchored at the start (`^`), as with
 * Tyk's `enable_path_prefix_matching`: Tyk's legacy unanchored match would let an ignored `/public`
 * also skip authentication for `/admin/public`. Black-list entries stay unanchored, Tyk's default:
 * anchoring them would refuse less than Tyk. Each rule thus errs on the side of refusing.
 */

export type VersionLocation = 'header' | 'url' | 'url-param';
export type PathList = 'ignored' | 'black_list' | 'white_list';

export interface PathRule {
  readonly list: PathList;
  readonly pattern: RegExp;
  /** Null: every method. Otherwise the methods the entry applies to, and whether each is blocked. */
  readonly methods: ReadonlyMap<string, boolean> | null;
  /** Methods whose action is `reply`: Tyk's VersionCheck answers them with this mock, before authentication. */
  readonly replies: ReadonlyMap<string, PathReply> | null;
}

/** A `reply` method action (Tyk's EndpointMethodMeta): `code`, `headers`, `data`. */
export interface PathReply {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

export interface VersionSpec {
  readonly name: string;
  /** Milliseconds since the epoch from which the version is expired; null: never. */
  readonly expiresAt: number | null;
  readonly rules: readonly PathRule[];
  /** A white list is in force: anything not listed is refused. */
  readonly whiteListed: boolean;
  /** The version's own upstream (Tyk's `override_target`); null: the API's. */
  readonly overrideTarget: string | null;
}

export interface Versioning {
  /** Requests name a version (false: `not_versioned`, one version serves all). */
  readonly versioned: boolean;
  readonly location: VersionLocation | null;
  readonly key: string;
  readonly defaultVersion: string;
  readonly fallbackToDefault: boolean;
  /** `definition.strip_versioning_data` (or the older `strip_path`): the version does not go upstream. */
  readonly stripVersion: boolean;
  /** `definition.url_versioning_pattern`: a URL segment is stripped only when it matches. */
  readonly urlVersionPattern: RegExp | null;
  readonly versions: ReadonlyMap<string, VersionSpec>;
  /** The version of a not-versioned API; null when versioned or when it has none. */
  readonly single: VersionSpec | null;
}

const locations = new Set<string>(['header', 'url', 'url-param']);
const lists: readonly PathList[] = ['ignored', 'black_list', 'white_list'];
const expiresFormat = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;
const headerName = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Whether a definition has anything for the version step to do. */
export function usesVersioning(definition: Record<string, unknown>): boolean {
  return isObject(definition.version_data);
}

/** Reads `definition` and `version_data`, collecting every problem; null when there is no version_data. */
export function readVersioning(definition: Record<string, unknown>): { value: Versioning | null; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const data = definition.version_data;
  if (data === undefined || data === null) return { value: null, errors };
  if (!isObject(data)) return { value: null, errors: [{ field: 'version_data', message: 'must be an object' }] };
  const where = isObject(definition.definition) ? definition.definition : {};
  const versioned = data.not_versioned !== true;
  const rawVersions = data.versions === null || data.versions === undefined ? {} : data.versions;
  if (!isObject(rawVersions)) errors.push({ field: 'version_data.versions', message: 'must be an object of versions by name' });
  const versions = new Map<string, VersionSpec>();
  for (const [name, raw] of Object.entries(isObject(rawVersions) ? rawVersions : {})) {
    const spec = readVersion(name, raw, versioned, errors);
    if (spec) versions.set(name, spec);
  }

  const rawLocation = typeof where.location === 'string' ? where.location : '';
  const location = locations.has(rawLocation) ? (rawLocation as VersionLocation) : null;
  const key = typeof where.key === 'string' ? where.key : '';
  const defaultVersion = typeof data.default_version === 'string' ? data.default_version : '';
  const patternSource = typeof where.url_versioning_pattern === 'string' ? where.url_versioning_pattern : '';
  let urlVersionPattern: RegExp | null = null;
  if (patternSource !== '') {
    try {
      urlVersionPattern = new RegExp(patternSource);
    } catch {
      errors.push({ field: 'definition.url_versioning_pattern', message: 'must be a valid regular expression' });
    }
  }

  let single: VersionSpec | null = null;
  if (versioned) {
    if (versions.size === 0) errors.push({ field: 'version_data.versions', message: 'must name at least one version unless not_versioned is true' });
    if (rawLocation !== '' && location === null) errors.push({ field: 'definition.location', message: 'must be header, url-param or url' });
    if ((location === 'header' || location === 'url-param') && key === '')
      errors.push({ field: 'definition.key', message: `is required with location ${location}` });
    if (location === 'header' && key !== '' && !headerName.test(key)) errors.push({ field: 'definition.key', message: 'must be an HTTP header name' });
    if (defaultVersion !== '' && !versions.has(defaultVersion))
      errors.push({ field: 'version_data.default_version', message: 'must name a version in version_data.versions' });
  } else if (versions.size > 0) {
    single = versions.size === 1 ? versions.values().next().value! : (versions.get('Default') ?? versions.get('default') ?? versions.get('') ?? null);
    // Tyk answers 403 to every request of such an API; refusing it says why.
    if (single === null) errors.push({ field: 'version_data.versions', message: 'not_versioned with several versions needs one keyed Default' });
  }

  return {
    value: {
      versioned,
      location,
      key,
      defaultVersion,
      fallbackToDefault: where.fallback_to_default === true,
      stripVersion: where.strip_versioning_data === true || where.strip_path === true,
      urlVersionPattern,
      versions,
      single,
    },
    errors,
  };
}

function readVersion(name: string, raw: unknown, versioned: boolean, errors: ErrorDetail[]): VersionSpec | null {
  const at = `version_data.versions.${name}`;
  if (raw === null || raw === undefined) raw = {};
  if (!isObject(raw)) {
    errors.push({ field: at, message: 'must be an object' });
    return null;
  }
  let expiresAt: number | null = null;
  // Tyk reads `expires` only for versioned APIs.
  if (versioned && typeof raw.expires === 'string' && raw.expires !== '' && raw.expires !== '-1') {
    expiresAt = parseExpires(raw.expires);
    if (expiresAt === null) errors.push({ field: `${at}.expires`, message: 'must be "YYYY-MM-DD HH:MM" (UTC), "" or "-1"' });
  } else if (raw.expires !== undefined && raw.expires !== null && typeof raw.expires !== 'string') {
    errors.push({ field: `${at}.expires`, message: 'must be a string' });
  }
  let overrideTarget: string | null = null;
  if (typeof raw.override_target === 'string' && raw.override_target !== '') {
    if (isHttpTarget(raw.override_target)) overrideTarget = raw.override_target;
    else errors.push({ field: `${at}.override_target`, message: 'must be an absolute http:// or https:// URL without credentials, query or fragment' });
  }
  const ignoreCase = raw.ignore_endpoint_case === true;
  const rules: PathRule[] = [];
  let whiteListed = false;
  if (raw.use_extended_paths === true) {
    const extended = isObject(raw.extended_paths) ? raw.extended_paths : {};
    for (const list of lists) {
      const entries = extended[list];
      if (entries === null || entries === undefined) continue;
      if (!Array.isArray(entries)) {
        errors.push({ field: `${at}.extended_paths.${list}`, message: 'must be an array' });
        continue;
      }
      entries.forEach((entry, index) => {
        const rule = readExtendedEntry(list, entry, `${at}.extended_paths.${list}.${index}`, ignoreCase, errors);
        if (rule) {
          rules.push(rule);
          if (list === 'white_list') whiteListed = true;
        }
      });
    }
  } else {
    const paths = isObject(raw.paths) ? raw.paths : {};
    for (const list of lists) {
      const entries = paths[list];
      if (entries === null || entries === undefined) continue;
      if (!Array.isArray(entries)) {
        errors.push({ field: `${at}.paths.${list}`, message: 'must be an array of paths' });
        continue;
      }
      entries.forEach((path, index) => {
        const field = `${at}.paths.${list}.${index}`;
        if (typeof path !== 'string' || path === '') return void errors.push({ field, message: 'must be a non-empty path' });
        const pattern = compilePathPattern(path, list, ignoreCase);
        if (pattern === null) return void errors.push({ field, message: 'must be a valid regular expression' });
        rules.push({ list, pattern, methods: null, replies: null });
        if (list === 'white_list') whiteListed = true;
      });
    }
  }
  return { name, expiresAt, rules, whiteListed, overrideTarget };
}

function readExtendedEntry(list: PathList, entry: unknown, field: string, versionIgnoresCase: boolean, errors: ErrorDetail[]): PathRule | null {
  if (!isObject(entry)) {
    errors.push({ field, message: 'must be an object with a path' });
    return null;
  }
  if (entry.disabled === true) return null;
  if (typeof entry.path !== 'string' || entry.path === '') {
    errors.push({ field: `${field}.path`, message: 'must be a non-empty path' });
    return null;
  }
  const pattern = compilePathPattern(entry.path, list, versionIgnoresCase || entry.ignore_case === true);
  if (pattern === null) {
    errors.push({ field: `${field}.path`, message: 'must be a valid regular expression' });
    return null;
  }
  let methods: Map<string, boolean> | null = null;
  let replies: Map<string, PathReply> | null = null;
  if (isObject(entry.method_actions)) {
    // Tyk: an entry with method_actions applies to those methods only (an empty object: none).
    methods = new Map();
    for (const [method, meta] of Object.entries(entry.method_actions)) {
      const action = isObject(meta) && typeof meta.action === 'string' ? meta.action : '';
      // `reply`: Tyk's URLAllowedAndIgnored answers StatusRedirectFlowByReply whatever the list, and
      // VersionCheck writes the mock (before authentication).
      if (action === 'reply') {
        const reply = readReply(meta as Record<string, unknown>, `${field}.method_actions.${method}`, errors);
        if (reply !== null) (replies ??= new Map()).set(method, reply);
      }
      // Anything else but no_action blocks, as Tyk's "URL Method Action was not set to NoAction, blocking."
      methods.set(method, action !== 'no_action' && action !== 'reply');
    }
  } else if (typeof entry.method === 'string' && entry.method !== '') {
    methods = new Map([[entry.method, false]]);
  }
  return { list, pattern, methods, replies };
}

function readReply(meta: Record<string, unknown>, field: string, errors: ErrorDetail[]): PathReply | null {
  const code = meta.code ?? 200;
  let ok = true;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
    errors.push({ field: `${field}.code`, message: 'must be an HTTP status (100-599)' });
    ok = false;
  }
  if (meta.data !== undefined && meta.data !== null && typeof meta.data !== 'string') {
    errors.push({ field: `${field}.data`, message: 'must be a string' });
    ok = false;
  }
  const headers: [string, string][] = [];
  if (meta.headers !== undefined && meta.headers !== null) {
    if (!isObject(meta.headers)) {
      errors.push({ field: `${field}.headers`, message: 'must be an object of header names to values' });
      ok = false;
    } else
      for (const [name, value] of Object.entries(meta.headers)) {
        if (!headerName.test(name) || typeof value !== 'string' || /[\r\n\0]/.test(value)) {
          errors.push({ field: `${field}.headers.${name}`, message: 'must be a header name with a string value without CR, LF or NUL' });
          ok = false;
        } else headers.push([name, value]);
      }
  }
  return ok ? { status: code as number, headers, body: (meta.data as string | undefined) ?? '' } : null;
}

/**
 * A Tyk path pattern as a RegExp (Tyk's PreparePathRegexp): `{name}` is one segment, `/*` any rest;
 * white-list and ignored patterns starting with `/` are anchored at the start. Null if it does not compile.
 */
export function compilePathPattern(path: string, list: PathList, ignoreCase: boolean): RegExp | null {
  let source = path;
  const open = source.split('{').length - 1;
  if (open > 0 && open === source.split('}').length - 1) source = source.replace(/\{([^}]+)\}/g, '([^/]+)');
  if (source.includes('/*')) source = source.replaceAll('/*/', '/[^/]+/').replaceAll('/*', '/.*');
  if (list !== 'black_list' && source.startsWith('/')) source = `^${source}`;
  try {
    return new RegExp(source, ignoreCase ? 'i' : '');
  } catch {
    return null;
  }
}

/** Tyk's expiry format, "2006-01-02 15:04", read as UTC (Go's time.Parse without a zone). */
export function parseExpires(value: string): number | null {
  const parts = expiresFormat.exec(value);
  if (!parts) return null;
  const [year, month, day, hour, minute] = parts.slice(1).map(Number) as [number, number, number, number, number];
  const at = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(at);
  // Date.UTC rolls 2024-02-31 over to March: such a date is not valid.
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  return at;
}

function isHttpTarget(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && !url.username && !url.password && !/[?#]/.test(value);
  } catch {
    return false;
  }
}
