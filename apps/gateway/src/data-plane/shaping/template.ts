import { randomUUID } from 'node:crypto';
import { headerValue } from '../auth-modes/credential-location.js';
import { clientAddress } from '../forwarding.js';
import type { RequestContext } from '../request-context.js';

/**
 * A header value or rewrite target with Tyk's variables, split at load into its parts so a request
 * only joins them: literal text, a `$1`-style group of the rewrite's match, or a `$tyk_context.*`
 * variable. A value without variables stays a plain string and costs nothing per request.
 */
export type Template = string | readonly TemplatePart[];

type TemplatePart = string | { readonly group: number } | { readonly variable: (ctx: RequestContext) => string };

/** Per request: the request id is made once, when a value first asks for it, and kept with the request's shaping. */
function requestId(ctx: RequestContext): string {
  const shaping = ctx.shaping;
  if (shaping === null) return randomUUID();
  return (shaping.requestId ??= randomUUID());
}

/** The getter for one `$tyk_context` name. */
function contextVariable(name: string): ((ctx: RequestContext) => string) | null {
  switch (name) {
    case 'request_id':
      return requestId;
    case 'remote_addr':
      return (ctx) => clientAddress(ctx.req.socket.remoteAddress);
    case 'path':
      return (ctx) => ctx.path;
    case 'request_method':
      return (ctx) => ctx.req.method ?? '';
  }
  if (name.startsWith('jwt_claims_')) {
    const claim = name.slice(11);
    return (ctx) => asText(ctx.identity?.claims?.[claim]);
  }
  if (name.startsWith('headers_')) {
    // Tyk's key is the canonical header name with `-` as `_`: headers_X_Request_Id.
    const header = name.slice(8).replaceAll('_', '-').toLowerCase();
    return (ctx) => headerValue(ctx, header) ?? '';
  }
  // Any other name: one a jq request transform set (its `tyk_context`); validation allows such
  // names only in versions with transform_jq. Empty when the filter did not set it, as in Tyk.
  return (ctx) => asText(ctx.transformContext?.[name]);
}

/** A claim or meta value as header text: strings as they are, anything else as JSON; absent: ''. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  // A value from a token or a session must not split the header it goes in.
  return /[\r\n\0]/.test(text) ? text.replace(/[\r\n\0]/g, ' ') : text;
}

/** `$tyk_meta.<key>`: the session's meta data (Tyk fills it whether or not context variables are on). */
function metaVariable(key: string): (ctx: RequestContext) => string {
  return (ctx) => asText(ctx.identity?.meta?.[key]);
}

const parts = /\$tyk_context\.([A-Za-z0-9_-]+)|\$tyk_meta\.([A-Za-z0-9_-]+)|\$(\d+)/g;

/**
 * `contextVars`: Tyk's `enable_context_vars`; without it `$tyk_context.*` is replaced by nothing, as
 * in Tyk. `groups`: whether `$1` stands for a match group (rewrite targets only).
 */
export function compileTemplate(value: string, contextVars: boolean, groups: boolean): Template {
  const compiled: TemplatePart[] = [];
  let last = 0;
  for (const match of value.matchAll(parts)) {
    let part: TemplatePart | null = null;
    if (match[1] !== undefined) {
      // Without enable_context_vars Tyk has no context data, and its replacement gives ''.
      const variable = contextVars ? contextVariable(match[1]) : null;
      part = variable === null ? '' : { variable };
    } else if (match[2] !== undefined) {
      part = { variable: metaVariable(match[2]) };
    } else if (match[3] !== undefined && groups) {
      part = { group: Number(match[3]) };
    }
    if (part === null) continue;
    if (match.index > last) compiled.push(value.slice(last, match.index));
    compiled.push(part);
    last = match.index + match[0].length;
  }
  if (compiled.length === 0) return value;
  if (last < value.length) compiled.push(value.slice(last));
  // Only literals left (context variables without enable_context_vars): one plain string.
  return compiled.every((part) => typeof part === 'string') ? compiled.join('') : compiled;
}

/**
 * `escape` (rewrite targets): a variable's value is query-escaped unless it starts with `http`, as
 * Tyk's replaceTykVariables does, so a header value cannot add path segments or a query of its own.
 */
export function renderTemplate(template: Template, ctx: RequestContext, groups: RegExpExecArray | null = null, escape = false): string {
  if (typeof template === 'string') return template;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    if (typeof part === 'string') out += part;
    else if ('group' in part) out += groups?.[part.group] ?? '';
    else {
      const value = part.variable(ctx);
      out += escape && !value.startsWith('http') ? queryEscape(value) : value;
    }
  }
  return out;
}

/** Go's url.QueryEscape: everything but unreserved characters percent-encoded, space as `+`. */
function queryEscape(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
