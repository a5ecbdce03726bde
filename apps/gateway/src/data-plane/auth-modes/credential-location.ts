import type { ApiDefinition, AuthLocation } from '@portcullis/domain';
import type { RequestContext } from '../request-context.js';

/** Where one API's mode reads its credential from, decided at load. */
export interface CompiledLocation {
  /** Lower-case header name. */
  readonly header: string;
  readonly param: string | null;
  readonly cookie: string | null;
}

/**
 * Tyk's `auth_configs.<mode>` wins over `auth`, which wins over the default (the Authorization
 * header). Tyk's `param_name` / `cookie_name` default to the header name.
 */
export function compileLocation(api: ApiDefinition, tykMode: string): CompiledLocation {
  const configs = api.auth_configs as Record<string, AuthLocation> | undefined;
  const location: Partial<AuthLocation> = configs?.[tykMode] ?? api.auth ?? {};
  const header = location.auth_header_name ?? 'Authorization';
  return {
    header: header.toLowerCase(),
    param: location.use_param === true ? (location.param_name ?? header) : null,
    cookie: location.use_cookie === true ? (location.cookie_name ?? header) : null,
  };
}

/** The first value of a header (by lower-case name), or null. */
export function headerValue(ctx: RequestContext, lowerName: string): string | null {
  const raw = ctx.req.rawHeaders;
  const length = lowerName.length;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === length && name.toLowerCase() === lowerName) return raw[i + 1]!;
  }
  return null;
}

/** A query parameter of the request, or null. */
export function queryParam(ctx: RequestContext, name: string): string | null {
  if (ctx.query.length < 2) return null;
  return new URLSearchParams(ctx.query.slice(1)).get(name);
}

/** A cookie of the request (RFC 6265 §5.4 pairs), or null. */
export function cookieValue(ctx: RequestContext, name: string): string | null {
  const header = headerValue(ctx, 'cookie');
  if (header === null) return null;
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at !== -1 && pair.slice(0, at).trim() === name) {
      const value = pair.slice(at + 1).trim();
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
  }
  return null;
}

/** A bearer-style credential: from the header (with or without `Bearer `), else param, else cookie. */
export function readToken(ctx: RequestContext, location: CompiledLocation): string | null {
  let value = headerValue(ctx, location.header);
  if (value !== null) {
    if (value.length > 7 && value.charCodeAt(6) === 32 && value.slice(0, 6).toLowerCase() === 'bearer') value = value.slice(7);
    value = value.trim();
    return value === '' ? null : value;
  }
  if (location.param !== null) {
    value = queryParam(ctx, location.param);
    if (value) return value;
  }
  if (location.cookie !== null) {
    value = cookieValue(ctx, location.cookie);
    if (value) return value;
  }
  return null;
}
