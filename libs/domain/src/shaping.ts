import type { ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's request and response shaping, per version, read from a classic definition: header
 * transforms (per path and global), mock answers (`mock_response`), hard timeouts, method transforms, internal paths, URL rewrites with triggers, and
 * which endpoints are left out of analytics. (The older `reply` method action of the path lists is
 * the version step's: Tyk answers it in VersionCheck, before authentication; see versioning.ts.) One reading for both validation (each problem a 400
 * naming its field) and the gateway's compilation, so the two cannot disagree.
 */

export interface ShapedPath {
  /** Tyk's classic path: a regular expression below the listen path, `{name}` one segment. */
  readonly pattern: RegExp;
  /** Upper case; '' applies to every method. */
  readonly method: string;
}

/** Headers to add (name, value template) and remove (lower case). */
export interface HeaderEdit {
  readonly add: readonly (readonly [string, string])[];
  readonly remove: readonly string[];
}

export interface MockAnswer {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

export interface ValueMatch {
  /** The header / query parameter / path part / context variable name; '' for the body. */
  readonly name: string;
  readonly match: RegExp;
  /** Tyk's `reverse`: the trigger fires when the value does NOT match. */
  readonly reverse: boolean;
}

export interface RewriteTrigger {
  /** `on: any`: one option matching is enough; `all` (Tyk's default): every option must. */
  readonly any: boolean;
  readonly headers: readonly ValueMatch[];
  readonly query: readonly ValueMatch[];
  readonly pathParts: readonly ValueMatch[];
  readonly context: readonly ValueMatch[];
  /** Matched against the session's meta data (string values as they are, others as JSON). */
  readonly sessionMeta: readonly ValueMatch[];
  readonly rewriteTo: string;
}

export interface UrlRewrite extends ShapedPath {
  /** Matched against the request URL as received (listen path and query included), as Tyk's r.URL.String(). */
  readonly match: RegExp;
  readonly rewriteTo: string;
  readonly triggers: readonly RewriteTrigger[];
}

export interface VersionShaping {
  readonly globalRequest: HeaderEdit | null;
  readonly globalResponse: HeaderEdit | null;
  readonly requestHeaders: readonly (ShapedPath & HeaderEdit)[];
  readonly responseHeaders: readonly (ShapedPath & HeaderEdit)[];
  readonly mocks: readonly (ShapedPath & MockAnswer)[];
  /** Milliseconds. */
  readonly hardTimeouts: readonly (ShapedPath & { readonly timeoutMs: number })[];
  readonly methodTransforms: readonly (ShapedPath & { readonly toMethod: string })[];
  readonly internal: readonly ShapedPath[];
  readonly rewrites: readonly UrlRewrite[];
  readonly doNotTrack: readonly ShapedPath[];
  /** track_endpoints: a request matching one is counted under its `endpoint` (first match wins). */
  readonly trackEndpoints: readonly TrackedEndpoint[];
}

/**
 * A track_endpoints entry: requests matching it are counted under `endpoint`, its method and path as
 * written in the definition (`GET /users/{id}`; the path alone when the entry names no method), never
 * under the request's own path, so the dimension has as many values as the definition has entries.
 */
export interface TrackedEndpoint extends ShapedPath {
  readonly endpoint: string;
}

/** An endpoint name longer than this is refused: it is stored in every rollup row it counts in. */
export const MAX_TRACKED_ENDPOINT_LENGTH = 512;

/** The longest hard timeout accepted: a day; anything longer is a typo, not a timeout. */
export const MAX_HARD_TIMEOUT_SECONDS = 86_400;

/**
 * The `$tyk_context` variables the gateway can fill: request facts, request headers and a JWT's
 * claims (`jwt_claims_<claim>`); `$tyk_meta.<key>` is the session's meta data. The caller's token
 * is never offered; a name the gateway cannot fill is refused rather than sent as an empty value.
 */
export const contextVariables = new Set(['request_id', 'remote_addr', 'path', 'request_method']);
const contextPrefixes = ['headers_', 'jwt_claims_'];
const variablePattern = /\$tyk_(context|meta)\.([A-Za-z0-9_-]+)/g;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const methodPattern = /^[A-Za-z]+$/;

class Reader {
  readonly errors: ErrorDetail[] = [];
  constructor(
    private readonly ignoreCase: boolean,
    /** The version has jq request transforms: other `$tyk_context` names may be set by their `tyk_context`. */
    private readonly jqContext: boolean,
  ) {}

  problem(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  regex(source: unknown, field: string, flags = ''): RegExp | null {
    if (typeof source !== 'string') {
      this.problem(field, 'must be a string (a regular expression)');
      return null;
    }
    try {
      return new RegExp(source, flags);
    } catch {
      this.problem(field, 'is not a valid regular expression');
      return null;
    }
  }

  path(entry: Record<string, unknown>, field: string): ShapedPath | null {
    const pattern = this.regex(
      typeof entry.path === 'string' ? entry.path.replace(/\{[^/}]*\}/g, '[^/]+') : entry.path,
      `${field}.path`,
      this.ignoreCase ? 'i' : '',
    );
    const method = entry.method ?? '';
    if (typeof method !== 'string' || (method !== '' && !methodPattern.test(method))) {
      this.problem(`${field}.method`, 'must be an HTTP method');
      return null;
    }
    return pattern === null ? null : { pattern, method: method.toUpperCase() };
  }

  /** A value sent in a header or a rewrite: its variables must be ones the gateway can fill. */
  template(value: unknown, field: string): string | null {
    if (typeof value !== 'string') {
      this.problem(field, 'must be a string');
      return null;
    }
    for (const [, kind, name] of value.matchAll(variablePattern)) {
      if (kind === 'meta' || this.jqContext) continue;
      if (!contextVariables.has(name!) && !contextPrefixes.some((prefix) => name!.startsWith(prefix) && name!.length > prefix.length)) {
        this.problem(field, `not supported: $tyk_context.${name} (available: ${[...contextVariables].join(', ')}, headers_<Name>, jwt_claims_<claim>)`);
      }
    }
    return value;
  }

  headerEdit(add: unknown, remove: unknown, field: string, addName: string, removeName: string): HeaderEdit | null {
    const adds: [string, string][] = [];
    if (add !== undefined && add !== null) {
      if (!isObject(add)) this.problem(`${field}.${addName}`, 'must be an object of header names to values');
      else
        for (const [name, value] of Object.entries(add)) {
          if (!isHeaderName(name)) this.problem(`${field}.${addName}`, `"${name}" is not a header name`);
          const template = this.template(value, `${field}.${addName}.${name}`);
          if (template !== null && !/[\r\n\0]/.test(template)) adds.push([name, template]);
          else if (template !== null) this.problem(`${field}.${addName}.${name}`, 'must not contain CR, LF or NUL');
        }
    }
    const removes: string[] = [];
    if (remove !== undefined && remove !== null) {
      if (!Array.isArray(remove) || remove.some((name) => typeof name !== 'string' || !isHeaderName(name)))
        this.problem(`${field}.${removeName}`, 'must be a list of header names');
      else for (const name of remove as string[]) removes.push(name.toLowerCase());
    }
    return adds.length === 0 && removes.length === 0 ? null : { add: adds, remove: removes };
  }

  entries(extended: Record<string, unknown>, list: string, field: string): [Record<string, unknown>, string][] {
    const value = extended[list];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      this.problem(`${field}.${list}`, 'must be a list');
      return [];
    }
    const found: [Record<string, unknown>, string][] = [];
    value.forEach((entry, i) => {
      if (!isObject(entry)) this.problem(`${field}.${list}.${i}`, 'must be an object');
      else if (entry.disabled !== true) found.push([entry, `${field}.${list}.${i}`]);
    });
    return found;
  }

  matches(value: unknown, field: string): ValueMatch[] {
    if (value === undefined || value === null) return [];
    if (!isObject(value)) {
      this.problem(field, 'must be an object of names to {match_rx, reverse}');
      return [];
    }
    const found: ValueMatch[] = [];
    for (const [name, spec] of Object.entries(value)) {
      if (!isObject(spec)) {
        this.problem(`${field}.${name}`, 'must be {match_rx, reverse}');
        continue;
      }
      const match = this.regex(spec.match_rx, `${field}.${name}.match_rx`);
      if (match !== null) found.push({ name, match, reverse: spec.reverse === true });
    }
    return found;
  }
}

function isHeaderName(name: string): boolean {
  return /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name);
}

function mockAnswer(reader: Reader, status: unknown, headers: unknown, body: unknown, field: string, statusName: string, bodyName: string): MockAnswer | null {
  const code = status ?? 200;
  if (typeof code !== 'number' || !Number.isInteger(code) || code < 100 || code > 599) {
    reader.problem(`${field}.${statusName}`, 'must be an HTTP status (100-599)');
    return null;
  }
  const edit = reader.headerEdit(headers, undefined, field, 'headers', '');
  if (body !== undefined && body !== null && typeof body !== 'string') {
    reader.problem(`${field}.${bodyName}`, 'must be a string');
    return null;
  }
  return { status: code, headers: edit?.add ?? [], body: (body as string | undefined) ?? '' };
}

function readRewrite(reader: Reader, entry: Record<string, unknown>, field: string): UrlRewrite | null {
  const path = reader.path(entry, field);
  const match = reader.regex(entry.match_pattern, `${field}.match_pattern`);
  const rewriteTo = reader.template(entry.rewrite_to, `${field}.rewrite_to`);
  const triggers: RewriteTrigger[] = [];
  const rawTriggers = entry.triggers ?? [];
  if (!Array.isArray(rawTriggers)) reader.problem(`${field}.triggers`, 'must be a list');
  else
    rawTriggers.forEach((trigger, i) => {
      const at = `${field}.triggers.${i}`;
      if (!isObject(trigger)) return reader.problem(at, 'must be an object');
      const on = trigger.on ?? 'all';
      if (on !== 'any' && on !== 'all') reader.problem(`${at}.on`, 'must be "any" or "all"');
      const options = isObject(trigger.options) ? trigger.options : {};
      // A body match would mean reading every matching body: refused by name rather than never firing.
      if (isObject(options.payload_matches) && typeof options.payload_matches.match_rx === 'string' && options.payload_matches.match_rx !== '')
        reader.problem(`${at}.options.payload_matches`, 'not supported: triggers on the request body');
      const context = reader.matches(options.request_context_matches, `${at}.options.request_context_matches`);
      for (const item of context)
        if (!contextVariables.has(item.name) && !contextPrefixes.some((prefix) => item.name.startsWith(prefix)))
          reader.problem(`${at}.options.request_context_matches.${item.name}`, 'not supported: not a context variable the gateway fills');
      const to = reader.template(trigger.rewrite_to, `${at}.rewrite_to`);
      checkTarget(reader, to, `${at}.rewrite_to`);
      triggers.push({
        any: on === 'any',
        headers: reader.matches(options.header_matches, `${at}.options.header_matches`),
        query: reader.matches(options.query_val_matches, `${at}.options.query_val_matches`),
        pathParts: reader.matches(options.path_part_matches, `${at}.options.path_part_matches`),
        context,
        sessionMeta: reader.matches(options.session_meta_matches, `${at}.options.session_meta_matches`),
        rewriteTo: to ?? '',
      });
    });
  checkTarget(reader, rewriteTo, `${field}.rewrite_to`);
  if (path === null || match === null || rewriteTo === null) return null;
  return { ...path, match, rewriteTo, triggers };
}

function isInternalTarget(value: string): boolean {
  return /^tyk:\/\//i.test(value);
}

/** A rewrite to another host (Tyk allows `http://other/...`): the request would leave the API's upstream. */
function isOtherHost(value: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) && !isInternalTarget(value);
}

function checkTarget(reader: Reader, value: string | null, field: string): void {
  if (value === null) return;
  if (isInternalTarget(value)) reader.problem(field, 'not supported: tyk:// targets (internal looping)');
  else if (isOtherHost(value)) reader.problem(field, "not supported: rewrites to another host (use the version's override_target)");
  else if (/[\s\0]/.test(value)) reader.problem(field, 'must not contain spaces or control characters');
}

/** One version's shaping; `field` is its dotted path (`version_data.versions.v1`). */
export function readVersionShaping(version: Record<string, unknown>, field: string): { value: VersionShaping; errors: ErrorDetail[] } {
  const extended = isObject(version.extended_paths) ? version.extended_paths : {};
  const jq = extended.transform_jq;
  const reader = new Reader(version.ignore_endpoint_case === true, Array.isArray(jq) && jq.some((entry) => isObject(entry) && entry.disabled !== true));
  const at = `${field}.extended_paths`;
  const paths = <T>(list: string, read: (entry: Record<string, unknown>, entryField: string, path: ShapedPath) => T | null): (ShapedPath & T)[] => {
    const found: (ShapedPath & T)[] = [];
    for (const [entry, entryField] of reader.entries(extended, list, at)) {
      const path = reader.path(entry, entryField);
      const value = read(entry, entryField, path ?? { pattern: /(?:)/, method: '' });
      if (path !== null && value !== null) found.push({ ...value, ...path });
    }
    return found;
  };
  const headerEdits = (list: string) =>
    paths(list, (entry, entryField) => reader.headerEdit(entry.add_headers, entry.delete_headers, entryField, 'add_headers', 'delete_headers'));
  const mocks = paths('mock_response', (entry, entryField) => mockAnswer(reader, entry.code, entry.headers, entry.body, entryField, 'code', 'body'));
  const value: VersionShaping = {
    globalRequest:
      version.global_headers_disabled === true
        ? null
        : reader.headerEdit(version.global_headers, version.global_headers_remove, field, 'global_headers', 'global_headers_remove'),
    globalResponse:
      version.global_response_headers_disabled === true
        ? null
        : reader.headerEdit(
            version.global_response_headers,
            version.global_response_headers_remove,
            field,
            'global_response_headers',
            'global_response_headers_remove',
          ),
    requestHeaders: headerEdits('transform_headers'),
    responseHeaders: headerEdits('transform_response_headers'),
    mocks,
    hardTimeouts: paths('hard_timeouts', (entry, entryField) => {
      const timeout = entry.timeout;
      if (typeof timeout !== 'number' || !Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_HARD_TIMEOUT_SECONDS) {
        reader.problem(`${entryField}.timeout`, `must be a number of seconds above 0 and at most ${MAX_HARD_TIMEOUT_SECONDS}`);
        return null;
      }
      return { timeoutMs: Math.round(timeout * 1000) };
    }),
    methodTransforms: paths('method_transforms', (entry, entryField) => {
      const to = entry.to_method;
      if (typeof to !== 'string' || !methodPattern.test(to)) {
        reader.problem(`${entryField}.to_method`, 'must be an HTTP method');
        return null;
      }
      return { toMethod: to.toUpperCase() };
    }),
    internal: paths('internal', () => ({})),
    rewrites: reader.entries(extended, 'url_rewrites', at).flatMap(([entry, entryField]) => readRewrite(reader, entry, entryField) ?? []),
    doNotTrack: paths('do_not_track_endpoints', () => ({})),
    trackEndpoints: paths('track_endpoints', (entry, entryField) => {
      const method = typeof entry.method === 'string' ? entry.method.toUpperCase() : '';
      const endpoint = method === '' ? String(entry.path) : `${method} ${String(entry.path)}`;
      if (endpoint.length > MAX_TRACKED_ENDPOINT_LENGTH) {
        reader.problem(`${entryField}.path`, `must be at most ${MAX_TRACKED_ENDPOINT_LENGTH - 10} characters`);
        return null;
      }
      return { endpoint };
    }),
  };
  return { value, errors: reader.errors };
}

/** Whether a version asks for any shaping at all (an API with none gets no shaping step). */
export function hasShaping(shaping: VersionShaping): boolean {
  return (
    shaping.globalRequest !== null ||
    shaping.globalResponse !== null ||
    shaping.requestHeaders.length +
      shaping.responseHeaders.length +
      shaping.mocks.length +
      shaping.hardTimeouts.length +
      shaping.methodTransforms.length +
      shaping.internal.length +
      shaping.rewrites.length >
      0
  );
}

/** Every version's shaping problems, each by its field: validation's view. */
export function shapingErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const data = definition.version_data;
  if (!isObject(data) || !isObject(data.versions)) return [];
  const errors: ErrorDetail[] = [];
  for (const [name, version] of Object.entries(data.versions)) {
    if (isObject(version)) errors.push(...readVersionShaping(version, `version_data.versions.${name}`).errors);
  }
  return errors;
}
