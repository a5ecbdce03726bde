import type { ApiDefinition } from '@portcullis/domain';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, respond, type RespondResult, type Step, type StepResult } from '../step.js';

/**
 * Tyk's `CORS` object, with the meaning Tyk gives it: Tyk wraps an API's whole chain in rs/cors, so
 * a preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered 200 by the gateway
 * before authentication (browsers send preflights without credentials), unless
 * `options_passthrough` sends it on through the chain to the upstream; an actual request goes on
 * through the chain with the CORS headers on whatever answers it, the gateway's own errors included
 * (rs/cors sets them on the response before the chain runs). A disallowed origin, method or header
 * gets no CORS headers: the browser then refuses the answer.
 *
 * rs/cors's defaults apply to empty lists: every origin, GET/POST/HEAD, and the headers Origin,
 * Accept, Content-Type, X-Requested-With. `*` alone allows every origin (answered `*` unless
 * credentials are allowed, when the origin is echoed), one `*` inside an origin is a wildcard
 * (`https://*.example.com`), `*` in allowed_headers allows any header. Origins compare in lower case.
 * Everything that does not depend on the request is built here, once per API.
 */
export interface CompiledCors {
  readonly allOrigins: boolean;
  readonly origins: ReadonlySet<string>;
  readonly wildcards: readonly { readonly prefix: string; readonly suffix: string }[];
  readonly methods: ReadonlySet<string>;
  readonly allHeaders: boolean;
  /** Lower case. */
  readonly headers: ReadonlySet<string>;
  readonly passthrough: boolean;
  /** `Access-Control-Allow-Origin: *` (all origins, no credentials): the same for every allowed origin. */
  readonly starOrigin: boolean;
  /** Headers of an allowed actual request besides Allow-Origin: credentials, exposed headers, Vary. */
  readonly actualTail: readonly string[];
  /** Headers of an allowed actual request with `*` as origin, shared by every such request. */
  readonly actualStar: readonly string[];
  /** Vary alone: every actual request carries it, allowed or not. */
  readonly actualVary: readonly string[];
  /** Headers of an allowed preflight besides Allow-Origin/-Methods/-Headers: credentials, max age, Vary. */
  readonly preflightTail: readonly string[];
  /** The preflight's Vary alone (every preflight carries it, allowed or not). */
  readonly preflightVary: readonly string[];
  /** The 200 for a refused preflight: Vary only, no CORS headers. */
  readonly refusedPreflight: RespondResult;
}

const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
const DEFAULT_HEADERS = ['Origin', 'Accept', 'Content-Type', 'X-Requested-With'];
const PREFLIGHT_VARY = ['vary', 'Origin', 'vary', 'Access-Control-Request-Method', 'vary', 'Access-Control-Request-Headers'];
const EMPTY = Buffer.alloc(0);

interface TykCors {
  enable?: boolean;
  allowed_origins?: string[] | null;
  allowed_methods?: string[] | null;
  allowed_headers?: string[] | null;
  exposed_headers?: string[] | null;
  allow_credentials?: boolean;
  max_age?: number;
  options_passthrough?: boolean;
}

function corsOf(api: ApiDefinition): TykCors | null {
  const raw = (api as { CORS?: unknown }).CORS;
  return raw !== null && typeof raw === 'object' && (raw as TykCors).enable === true ? (raw as TykCors) : null;
}

function strings(list: unknown): string[] {
  return Array.isArray(list) ? list.filter((entry): entry is string => typeof entry === 'string' && entry !== '') : [];
}

export function compileCors(api: ApiDefinition): CompiledCors | null {
  const cors = corsOf(api);
  if (cors === null) return null;
  const origins = strings(cors.allowed_origins).map((origin) => origin.toLowerCase());
  const allOrigins = origins.length === 0 || origins.includes('*');
  const exact = new Set<string>();
  const wildcards: { prefix: string; suffix: string }[] = [];
  for (const origin of origins) {
    const star = origin.indexOf('*');
    if (star === -1) exact.add(origin);
    else wildcards.push({ prefix: origin.slice(0, star), suffix: origin.slice(star + 1) });
  }
  const methodList = strings(cors.allowed_methods);
  const methods = new Set((methodList.length === 0 ? DEFAULT_METHODS : methodList).map((method) => method.toUpperCase()));
  const headerList = strings(cors.allowed_headers);
  const headers = new Set([...(headerList.length === 0 ? DEFAULT_HEADERS : headerList), 'Origin'].map((header) => header.toLowerCase()));
  const credentials = cors.allow_credentials === true;
  const exposed = strings(cors.exposed_headers);
  const maxAge = typeof cors.max_age === 'number' && cors.max_age > 0 ? Math.floor(cors.max_age) : 0;

  const credentialHeader = credentials ? ['access-control-allow-credentials', 'true'] : [];
  const actualTail = [...(exposed.length > 0 ? ['access-control-expose-headers', exposed.join(', ')] : []), ...credentialHeader, 'vary', 'Origin'];
  return {
    allOrigins,
    origins: exact,
    wildcards,
    methods,
    allHeaders: headers.has('*'),
    headers,
    passthrough: cors.options_passthrough === true,
    starOrigin: allOrigins && !credentials,
    actualTail,
    actualStar: ['access-control-allow-origin', '*', ...actualTail],
    actualVary: ['vary', 'Origin'],
    preflightTail: [...credentialHeader, ...(maxAge > 0 ? ['access-control-max-age', String(maxAge)] : []), ...PREFLIGHT_VARY],
    preflightVary: PREFLIGHT_VARY,
    refusedPreflight: respond(200, [...PREFLIGHT_VARY, 'content-length', '0'], EMPTY),
  };
}

export function originAllowed(cors: CompiledCors, origin: string): boolean {
  if (cors.allOrigins) return true;
  const lower = origin.toLowerCase();
  if (cors.origins.has(lower)) return true;
  const wildcards = cors.wildcards;
  for (let i = 0; i < wildcards.length; i++) {
    const { prefix, suffix } = wildcards[i]!;
    if (lower.length >= prefix.length + suffix.length && lower.startsWith(prefix) && lower.endsWith(suffix)) return true;
  }
  return false;
}

/** rs/cors: OPTIONS is always allowed; otherwise the method must be listed. */
function methodAllowed(cors: CompiledCors, method: string): boolean {
  const upper = method.toUpperCase();
  return upper === 'OPTIONS' || cors.methods.has(upper);
}

/** The Access-Control-Request-Headers list, trimmed, empty entries dropped. */
function requestedHeaders(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  const names: string[] = [];
  for (const part of value.split(',')) {
    const name = part.trim();
    if (name !== '') names.push(name);
  }
  return names;
}

function headersAllowed(cors: CompiledCors, names: readonly string[]): boolean {
  if (cors.allHeaders) return true;
  for (const name of names) if (!cors.headers.has(name.toLowerCase())) return false;
  return true;
}

export const cors: Step = {
  name: 'cors',
  always: false,
  enabledFor: (api) => corsOf(api) !== null,
  handle(ctx: RequestContext): StepResult {
    const compiled = ctx.api!.cors!;
    const req = ctx.req;
    const requestMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && typeof requestMethod === 'string' && requestMethod !== '') return preflight(ctx, compiled, requestMethod);
    // rs/cors adds nothing to an OPTIONS that is not a preflight.
    if (req.method === 'OPTIONS') return CONTINUE;
    const origin = req.headers.origin;
    if (origin === undefined || origin === '' || !originAllowed(compiled, origin) || !methodAllowed(compiled, req.method!)) {
      ctx.answerHeaders = compiled.actualVary;
      return CONTINUE;
    }
    ctx.answerHeaders = compiled.starOrigin ? compiled.actualStar : ['access-control-allow-origin', origin, ...compiled.actualTail];
    return CONTINUE;
  },
};

function preflight(ctx: RequestContext, compiled: CompiledCors, requestMethod: string): StepResult {
  const origin = ctx.req.headers.origin;
  const names = requestedHeaders(ctx.req.headers['access-control-request-headers'] as string | undefined);
  let headers: readonly string[] = compiled.preflightVary;
  if (origin !== undefined && origin !== '' && originAllowed(compiled, origin) && methodAllowed(compiled, requestMethod) && headersAllowed(compiled, names)) {
    // The spec lets a preflight answer echo what was asked for rather than list everything allowed.
    const allowed = ['access-control-allow-origin', compiled.starOrigin ? '*' : origin, 'access-control-allow-methods', requestMethod.toUpperCase()];
    if (names.length > 0) allowed.push('access-control-allow-headers', names.join(', '));
    headers = [...allowed, ...compiled.preflightTail];
  }
  if (compiled.passthrough) {
    // options_passthrough: the preflight goes on through the chain (authentication included, as in Tyk).
    ctx.answerHeaders = headers;
    return CONTINUE;
  }
  return headers === compiled.preflightVary ? compiled.refusedPreflight : respond(200, [...headers, 'content-length', '0'], EMPTY);
}

/** An upstream answer's headers without its own CORS headers: with CORS on, the gateway's are the only ones. */
export function withoutCorsHeaders(headers: string[]): string[] {
  let kept = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i]!;
    if (name.length > 15 && name.slice(0, 15).toLowerCase() === 'access-control-') continue;
    headers[kept] = name;
    headers[kept + 1] = headers[i + 1]!;
    kept += 2;
  }
  headers.length = kept;
  return headers;
}
