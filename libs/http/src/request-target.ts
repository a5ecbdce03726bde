import type { IncomingMessage } from 'node:http';
import { repeatsHost } from './host-header.js';

/**
 * RFC 9110 §7.2 / RFC 3986 §3.2.2-3.2.3: `uri-host [ ":" port ]` with no userinfo. reg-name and
 * IPv4 share one character class here; an IP literal is bracketed. An `@` (userinfo), a path or an
 * empty value do not match.
 */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::(\d{0,5}))?$/;

/** What is wrong with a request's target or Host, as the field to name; null when nothing is. */
export interface RequestTargetProblem {
  field: 'Host' | 'request-target';
  message: string;
}

/**
 * The checks every service makes on the request line and Host before routing, so that what is
 * routed, authorised and proxied is the one authority and path the request names:
 * - Host (RFC 9112 §3.2: a server MUST answer 400 to a Host field with an invalid value): a
 *   userinfo, a path, a port that is not 0-65535, or nothing at all is refused. We are only ever
 *   reached through an authority, so an empty Host (a URI without one) cannot mean us.
 * - The request target is origin-form (`/path?query`), or `*` for OPTIONS (RFC 9112 §3.2.4).
 *   Absolute-form (§3.2.2) is accepted when it names the same authority as Host, without userinfo
 *   (§3.2: a client MUST send a Host identical to the target's authority), and is then rewritten to
 *   origin-form, so the routers see one path; any other absolute-form or authority-form target is
 *   refused: we are not a forward proxy, and a target naming another host than Host is ambiguous.
 * Runs on every request: the common case (origin-form, a plain Host) is one char test and one regex.
 */
export function requestTargetProblem(req: IncomingMessage): RequestTargetProblem | null {
  const host = req.headers.host;
  // RFC 9112 §3.2: more than one Host line is a 400 (a front proxy and we could each route by another).
  if (repeatsHost(req.rawHeaders)) return { field: 'Host', message: 'A request must carry exactly one Host header (RFC 9112 §3.2)' };
  // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400; HTTP/1.0 may omit it.
  if (host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
    return { field: 'Host', message: 'An HTTP/1.1 request must carry a Host header (RFC 9112 §3.2)' };
  }
  if (host !== undefined) {
    const match = HOST.exec(host);
    if (match === null || (match[1] !== undefined && (match[1] === '' || Number(match[1]) > 65535))) {
      return { field: 'Host', message: 'The Host header must be a host name or address with an optional port (RFC 9110 §7.2)' };
    }
  }
  const url = req.url ?? '';
  if (url.charCodeAt(0) === 47 /* / */) return null;
  if (url === '*' && req.method === 'OPTIONS') return null;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { field: 'request-target', message: 'The request target must be a path (RFC 9112 §3.2)' };
  }
  if (
    (target.protocol !== 'http:' && target.protocol !== 'https:') ||
    target.username !== '' ||
    target.password !== '' ||
    host === undefined ||
    target.host !== new URL(`http://${host}`).host
  ) {
    return { field: 'request-target', message: 'An absolute request target must name the Host it is sent to, without userinfo (RFC 9112 §3.2.2)' };
  }
  req.url = `${target.pathname}${target.search}`;
  return null;
}
