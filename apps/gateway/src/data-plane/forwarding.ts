/**
 * How a request and its response are rewritten on their way through the proxy: the upstream path,
 * and the headers in both directions. Pure functions over Node's flat raw header arrays, so the hot
 * path never builds header objects.
 */

/**
 * RFC 9110 §7.6.1: connection-specific headers are meant for one hop and never forwarded. `expect` is
 * answered by Node itself (100-continue) and undici refuses to send it; `host` is handled on its own.
 */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Headers named in `Connection` are hop-by-hop too (RFC 9110 §7.6.1); keep-alive/close name none. */
function connectionTokens(value: string, into: Set<string> | null): Set<string> | null {
  // The usual values name no header: skip the split (every keep-alive upstream response has one).
  if (value === 'keep-alive' || value === 'close' || value === 'Keep-Alive' || value === 'Close') return into;
  for (const raw of value.split(',')) {
    const token = raw.trim().toLowerCase();
    if (token === '' || token === 'close' || token === 'keep-alive') continue;
    (into ??= new Set()).add(token);
  }
  return into;
}

/** `headers` (flat) without those whose lower-case name is in `names`. */
export function withoutNamed(headers: string[], names: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!names.has(headers[i]!.toLowerCase())) kept.push(headers[i]!, headers[i + 1]!);
  }
  return kept;
}

/**
 * The headers sent upstream: the client's, minus hop-by-hop ones, plus X-Forwarded-*. `clientIp` is
 * the address seen on the socket, `proto` the scheme the client used; `preserveHost` sends the
 * client's Host instead of the upstream's own (Tyk's preserve_host_header). X-Forwarded-For
 * is appended to (each proxy adds the address it saw); Proto and Host describe this hop and are set
 * from what the gateway saw, not from what a client claims. Without preserveHost no Host header is
 * sent and undici writes the upstream's.
 */
export function upstreamRequestHeaders(raw: readonly string[], clientIp: string, proto: string, preserveHost: boolean): string[] {
  const headers: string[] = [];
  let host: string | null = null;
  let forwardedFor: string | null = null;
  let named: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) {
      if (lower === 'connection') named = connectionTokens(value, named);
      continue;
    }
    switch (lower) {
      case 'host':
        host ??= value;
        continue;
      case 'expect':
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue;
      case 'x-forwarded-for':
        forwardedFor = forwardedFor === null ? value : `${forwardedFor}, ${value}`;
        continue;
    }
    headers.push(name, value);
  }
  const result = named === null ? headers : withoutNamed(headers, named);
  if (preserveHost && host !== null) result.push('host', host);
  result.push('x-forwarded-for', forwardedFor === null ? clientIp : `${forwardedFor}, ${clientIp}`);
  result.push('x-forwarded-proto', proto);
  if (host !== null) result.push('x-forwarded-host', host);
  return result;
}

/** The upstream's response headers as sent to the client: hop-by-hop ones dropped. */
export function clientResponseHeaders(raw: readonly Buffer[]): string[] {
  const headers: string[] = [];
  let named: Set<string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1');
    const lower = name.toLowerCase();
    if (hopByHop.has(lower)) {
      if (lower === 'connection') named = connectionTokens(raw[i + 1]!.toString('latin1'), named);
      continue;
    }
    headers.push(name, raw[i + 1]!.toString('latin1'));
  }
  return named === null ? headers : withoutNamed(headers, named);
}

/** A request carries a body when it says so (RFC 9112 §6.3); without one, undici sends none either. */
export function requestHasBody(raw: readonly string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') return raw[i + 1] !== '0';
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
  }
  return false;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
export function clientAddress(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  return remoteAddress.startsWith('::ffff:') && remoteAddress.includes('.') ? remoteAddress.slice(7) : remoteAddress;
}

/**
 * The parts of an upstream path fixed at load: the target URL's own path (no trailing slash) and
 * how much of the request path to strip.
 */
export interface PathRewrite {
  /** target_url's path without its trailing slash: '' for `http://host` or `http://host/`. */
  readonly targetPath: string;
  /** Characters to remove from the front of the request path: the listen path's, or 0. */
  readonly stripLength: number;
}

export function compilePathRewrite(targetUrl: URL, listenPath: string, strip: boolean): PathRewrite {
  const targetPath = targetUrl.pathname.replace(/\/+$/, '');
  // A root listen path strips nothing: every path starts with it and keeps its leading slash.
  const stripLength = strip && listenPath !== '/' ? listenPath.length : 0;
  return { targetPath, stripLength };
}

/**
 * target_url's path + the (stripped) request path + the query string as it came:
 * `/v1` + `/orders/1` → `/v1/orders/1`; stripping `/orders` from `/orders` leaves the target path.
 */
export function upstreamPath(rewrite: PathRewrite, path: string, query: string): string {
  const rest = rewrite.stripLength === 0 ? path : path.slice(rewrite.stripLength);
  const joined = rewrite.targetPath + rest;
  return (joined === '' ? '/' : joined.charCodeAt(0) === 47 ? joined : `/${joined}`) + query;
}
