import {
  readVersionShaping,
  hasShaping,
  type ApiDefinition,
  type HeaderEdit,
  type MockAnswer,
  type ShapedPath,
  type RewriteTrigger,
  type ValueMatch,
  type VersionShaping,
} from '@portcullis/domain';
import { headerValue } from '../auth-modes/credential-location.js';
import type { RequestContext } from '../request-context.js';
import { ForwardShaping } from '../shaping/forward-shaping.js';
import { compileTemplate, renderTemplate, type Template } from '../shaping/template.js';
import { CONTINUE, fail, respond, type RespondResult, type Step, type StepResult } from '../step.js';
import { compilePerVersion, forRequestVersion, type PerVersion } from '../version-settings.js';
import { pathBelow } from './authorise.js';

/**
 * Tyk's request and response shaping of the version the request resolved to: internal paths and
 * mock answers (answered here, no upstream call), then what the proxy applies on the way out —
 * header transforms (global, then per path, as Tyk's TransformHeaders), the credential removed under
 * `strip_auth_data`, the URL rewrite, the method transform, the hard timeout. Entries match the
 * path as received (below the listen path), as Tyk matches each of them against the original path.
 * Everything is read and compiled at load (see libs/domain shaping.ts); templates without
 * variables are plain strings.
 */
interface CompiledEdit {
  readonly add: readonly (readonly [string, Template])[];
  /** Lower case: the deleted headers and the added ones (an added header replaces its namesake). */
  readonly remove: ReadonlySet<string>;
}

interface CompiledRewrite extends ShapedPath {
  readonly match: RegExp;
  readonly rewriteTo: Template;
  readonly triggers: readonly CompiledTrigger[];
}

interface CompiledTrigger extends Omit<RewriteTrigger, 'headers'> {
  /** header_matches with the header's name in lower case, as the raw headers are searched. */
  readonly headers: readonly (ValueMatch & { readonly lowerName: string })[];
  readonly target: Template;
  /** request_context_matches' variables, compiled once: index i fills `context[i]`. */
  readonly contextValues: readonly Template[];
}

export interface CompiledVersionShaping {
  readonly globalRequest: CompiledEdit | null;
  readonly globalResponse: CompiledEdit | null;
  readonly requestHeaders: readonly (ShapedPath & CompiledEdit)[];
  readonly responseHeaders: readonly (ShapedPath & CompiledEdit)[];
  readonly mocks: readonly (ShapedPath & { readonly answer: RespondResult })[];
  readonly hardTimeouts: readonly (ShapedPath & { readonly timeoutMs: number })[];
  readonly methodTransforms: readonly (ShapedPath & { readonly toMethod: string })[];
  readonly internal: readonly ShapedPath[];
  readonly rewrites: readonly CompiledRewrite[];
}

export interface CompiledShaping {
  /** Null when no version shapes (the API only strips its credential). */
  readonly versions: PerVersion<CompiledVersionShaping> | null;
  /** strip_auth_data: the credential's headers (lower case) and query parameters; null: forwarded. */
  readonly stripHeaders: ReadonlySet<string> | null;
  readonly stripParams: readonly string[];
  /** Cookies carrying the credential (use_cookie), removed from the Cookie header. */
  readonly stripCookies: readonly string[];
}

function readShaping(api: ApiDefinition, compile: (shaping: VersionShaping) => CompiledVersionShaping) {
  return compilePerVersion(api, (settings) => {
    // Validation refused definitions with problems: what is read here is the same reading.
    const raw = (api as { version_data?: { versions?: Record<string, Record<string, unknown>> } }).version_data!.versions![settings.name]!;
    const shaping = readVersionShaping(raw, `version_data.versions.${settings.name}`).value;
    return hasShaping(shaping) ? compile(shaping) : null;
  });
}

/** The credential's locations (every auth mode's), for strip_auth_data. */
function credentialLocations(api: ApiDefinition): { headers: Set<string>; params: string[]; cookies: string[] } {
  const headers = new Set<string>();
  const params: string[] = [];
  const cookies: string[] = [];
  const locations = [api.auth ?? {}, ...Object.values((api.auth_configs ?? {}) as Record<string, object>)] as {
    auth_header_name?: string;
    use_param?: boolean;
    param_name?: string;
    use_cookie?: boolean;
    cookie_name?: string;
  }[];
  for (const location of locations) {
    const header = location.auth_header_name || 'Authorization';
    headers.add(header.toLowerCase());
    if (location.use_param === true) params.push(location.param_name || header);
    if (location.use_cookie === true) cookies.push(location.cookie_name || header);
  }
  return { headers, params, cookies };
}

export function compileShaping(api: ApiDefinition): CompiledShaping | null {
  const contextVars = (api as { enable_context_vars?: unknown }).enable_context_vars === true;
  // An added header replaces the request's (or response's) own, as Tyk sets it: removed first.
  const edit = (value: HeaderEdit): CompiledEdit => ({
    add: value.add.map(([name, template]) => [name, compileTemplate(template, contextVars, false)] as const),
    remove: new Set([...value.remove, ...value.add.map(([name]) => name.toLowerCase())]),
  });
  const versions = readShaping(api, (shaping) => ({
    globalRequest: shaping.globalRequest === null ? null : edit(shaping.globalRequest),
    globalResponse: shaping.globalResponse === null ? null : edit(shaping.globalResponse),
    requestHeaders: shaping.requestHeaders.map((entry) => ({ pattern: entry.pattern, method: entry.method, ...edit(entry) })),
    responseHeaders: shaping.responseHeaders.map((entry) => ({ pattern: entry.pattern, method: entry.method, ...edit(entry) })),
    mocks: shaping.mocks.map((entry) => ({ pattern: entry.pattern, method: entry.method, answer: mockResponse(entry) })),
    hardTimeouts: shaping.hardTimeouts,
    methodTransforms: shaping.methodTransforms,
    internal: shaping.internal,
    rewrites: shaping.rewrites.map((entry) => ({
      pattern: entry.pattern,
      method: entry.method,
      match: entry.match,
      rewriteTo: compileTemplate(entry.rewriteTo, contextVars, true),
      triggers: entry.triggers.map((trigger) => ({
        ...trigger,
        headers: trigger.headers.map((option) => ({ ...option, lowerName: option.name.toLowerCase() })),
        target: compileTemplate(trigger.rewriteTo, contextVars, true),
        // Tyk's request context is there for triggers whether or not enable_context_vars is set.
        contextValues: trigger.context.map((option) => compileTemplate(`$tyk_context.${option.name}`, true, false)),
      })),
    })),
  }));
  const strip = (api as { strip_auth_data?: unknown }).strip_auth_data === true && !api.use_keyless;
  if (versions === null && !strip) return null;
  const locations = strip ? credentialLocations(api) : null;
  return { versions, stripHeaders: locations?.headers ?? null, stripParams: locations?.params ?? [], stripCookies: locations?.cookies ?? [] };
}

function mockResponse(mock: MockAnswer): RespondResult {
  const body = Buffer.from(mock.body);
  const headers: string[] = [];
  for (const [name, value] of mock.headers) headers.push(name, value);
  if (!mock.headers.some(([name]) => name.toLowerCase() === 'content-type')) headers.push('content-type', 'text/plain; charset=utf-8');
  headers.push('content-length', String(body.length));
  return respond(mock.status, headers, body);
}

function find<T extends ShapedPath>(entries: readonly T[], path: string, method: string): T | null {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) return entry;
  }
  return null;
}

const forbidden = fail('endpoint_forbidden');

export const shape: Step = {
  name: 'shape',
  always: false,
  enabledFor: (api) => compileShaping(api) !== null,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const compiled = api.shaping!;
    const method = ctx.req.method!;
    const path = pathBelow(ctx.path, api.listenPath);
    const version = compiled.versions === null ? null : forRequestVersion(compiled.versions, ctx);
    if (version !== null) {
      // Reached only by Tyk's internal looping, which Portcullis does not do: an outside caller is
      // refused as Tyk refuses one (its URLAllowedAndIgnored answers EndPointNotAllowed).
      if (version.internal.length > 0 && find(version.internal, path, method) !== null) {
        ctx.refusal = 'forbidden';
        return forbidden;
      }
      if (version.mocks.length > 0) {
        const mock = find(version.mocks, path, method);
        if (mock !== null) return mock.answer;
      }
    }
    // transform-body may have started it (the new body's length, rewrite_headers).
    const shaping = (ctx.shaping ??= new ForwardShaping());
    if (compiled.stripHeaders !== null) {
      shaping.removeRequest(compiled.stripHeaders);
      if (compiled.stripParams.length > 0 && ctx.forwardQuery.length > 1) ctx.forwardQuery = withoutParams(ctx.forwardQuery, compiled.stripParams);
      if (compiled.stripCookies.length > 0) stripCookies(shaping, ctx, compiled.stripCookies);
    }
    if (version === null) return CONTINUE;
    if (version.globalRequest !== null) applyRequest(shaping, version.globalRequest, ctx);
    const requestEdit = version.requestHeaders.length > 0 ? find(version.requestHeaders, path, method) : null;
    if (requestEdit !== null) applyRequest(shaping, requestEdit, ctx);
    if (version.globalResponse !== null) applyResponse(shaping, version.globalResponse, ctx);
    const responseEdit = version.responseHeaders.length > 0 ? find(version.responseHeaders, path, method) : null;
    if (responseEdit !== null) applyResponse(shaping, responseEdit, ctx);
    if (version.rewrites.length > 0) {
      const rewrite = find(version.rewrites, path, method);
      if (rewrite !== null) {
        // Tyk matches match_pattern against the request URL as received (r.URL.String(): listen path
        // and query included), and the result replaces that URL whole: its query is the target's own.
        const target = rewriteTarget(rewrite, ctx.path + ctx.query, ctx);
        if (target !== null) {
          const upstream = ctx.version?.upstream ?? api.upstream;
          // Joined to the target URL's path as Tyk's director does (the listen path, no longer there, is not stripped).
          shaping.upstreamPath = upstream.rewrite.targetPath + (target.charCodeAt(0) === 47 ? target : `/${target}`);
        }
      }
    }
    if (version.methodTransforms.length > 0) shaping.method = find(version.methodTransforms, path, method)?.toMethod ?? null;
    if (version.hardTimeouts.length > 0) shaping.timeoutMs = find(version.hardTimeouts, path, method)?.timeoutMs ?? -1;
    return CONTINUE;
  },
};

function applyRequest(shaping: ForwardShaping, edit: CompiledEdit, ctx: RequestContext): void {
  if (edit.remove.size > 0) shaping.removeRequest(edit.remove);
  for (let i = 0; i < edit.add.length; i++) {
    const [name, template] = edit.add[i]!;
    shaping.addHeaders.push(name, renderTemplate(template, ctx));
  }
}

function applyResponse(shaping: ForwardShaping, edit: CompiledEdit, ctx: RequestContext): void {
  if (edit.remove.size > 0) shaping.removeResponse(edit.remove);
  for (let i = 0; i < edit.add.length; i++) {
    const [name, template] = edit.add[i]!;
    shaping.responseAdd.push(name, renderTemplate(template, ctx));
  }
}

/**
 * Tyk's urlRewrite: nothing unless match_pattern matches; then the first trigger that fires (any:
 * one of its options; all: every option it sets) gives the target, else rewrite_to. `$n` are the
 * match_pattern's groups; variables are query-escaped, as Tyk escapes them in a rewrite.
 */
export function rewriteTarget(rewrite: CompiledRewrite, input: string, ctx: RequestContext): string | null {
  rewrite.match.lastIndex = 0;
  const groups = rewrite.match.exec(input);
  if (groups === null) return null;
  for (let i = 0; i < rewrite.triggers.length; i++) {
    const trigger = rewrite.triggers[i]!;
    if (fires(trigger, ctx)) return renderTemplate(trigger.target, ctx, groups, true);
  }
  return renderTemplate(rewrite.rewriteTo, ctx, groups, true);
}

function fires(trigger: CompiledTrigger, ctx: RequestContext): boolean {
  // Counted, not collected: no array or closure per request.
  let total = 0;
  let hits = 0;
  for (let i = 0; i < trigger.headers.length; i++) {
    const option = trigger.headers[i]!;
    const found = headerValue(ctx, option.lowerName);
    total++;
    if ((found !== null && option.match.test(found)) !== option.reverse) hits++;
  }
  if (trigger.query.length > 0) {
    const query = new URLSearchParams(ctx.query.slice(1));
    for (const option of trigger.query) {
      const found = query.get(option.name);
      total++;
      if ((found !== null && option.match.test(found)) !== option.reverse) hits++;
    }
  }
  if (trigger.pathParts.length > 0) {
    const segments = ctx.path.split('/');
    // Tyk: a path part option matches when any segment of the path matches.
    for (const option of trigger.pathParts) {
      total++;
      if (segments.some((segment) => segment !== '' && option.match.test(segment)) !== option.reverse) hits++;
    }
  }
  for (let i = 0; i < trigger.context.length; i++) {
    const option = trigger.context[i]!;
    total++;
    if (option.match.test(renderTemplate(trigger.contextValues[i]!, ctx)) !== option.reverse) hits++;
  }
  if (trigger.sessionMeta.length > 0) {
    const meta = ctx.identity?.meta;
    for (const option of trigger.sessionMeta) {
      // Tyk matches string values only.
      const found = meta?.[option.name];
      total++;
      if ((typeof found === 'string' && option.match.test(found)) !== option.reverse) hits++;
    }
  }
  if (total === 0) return false;
  return trigger.any ? hits > 0 : hits === total;
}

function withoutParams(query: string, names: readonly string[]): string {
  const params = new URLSearchParams(query.slice(1));
  for (const name of names) params.delete(name);
  const rest = params.toString();
  return rest === '' ? '' : `?${rest}`;
}

const cookieHeader: ReadonlySet<string> = new Set(['cookie']);

/** The Cookie header without the credential's cookies (RFC 6265 §5.4 pairs); dropped when none is left. */
function stripCookies(shaping: ForwardShaping, ctx: RequestContext, names: readonly string[]): void {
  const header = headerValue(ctx, 'cookie');
  if (header === null) return;
  const kept = header
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair !== '' && !names.includes(pair.slice(0, pair.indexOf('=') === -1 ? pair.length : pair.indexOf('=')).trim()));
  shaping.removeRequest(cookieHeader);
  if (kept.length > 0) shaping.addHeaders.push('cookie', kept.join('; '));
}
