import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionEntry } from '../credentials/sessions.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { headerValue } from './credential-location.js';
import { pendingUntil } from './pending.js';
import { parseAuthParams } from './signature-params.js';

/** RFC 5849 §3.3: how far `oauth_timestamp` may be from our clock. */
const TIMESTAMP_WINDOW_MS = 300_000;
const methods: Record<string, string> = { 'HMAC-SHA1': 'sha1', 'HMAC-SHA256': 'sha256' };

/** RFC 5849 §3.6 percent-encoding (unreserved characters kept, everything else %XX, upper case). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function percentDecode(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

export interface OAuth1Request {
  readonly consumerKey: string;
  readonly token: string;
  readonly method: string;
  readonly timestamp: number;
  readonly nonce: string;
  readonly signature: Buffer;
  /** The protocol parameters that are signed (all but realm and oauth_signature), decoded. */
  readonly params: readonly [string, string][];
}

/** The `OAuth ...` Authorization header (RFC 5849 §3.5.1), or null when malformed. */
export function parseOAuth1(value: string): OAuth1Request | null {
  if (value.length > 4096 || value.slice(0, 6).toLowerCase() !== 'oauth ') return null;
  const raw = parseAuthParams(value.slice(6), 16);
  if (raw === null) return null;
  const params: [string, string][] = [];
  const get = new Map<string, string>();
  for (const [name, encoded] of raw) {
    const decoded = percentDecode(encoded);
    if (decoded === null) return null;
    get.set(name, decoded);
    if (name !== 'realm' && name !== 'oauth_signature') params.push([name, decoded]);
  }
  const consumerKey = get.get('oauth_consumer_key');
  const method = get.get('oauth_signature_method');
  const timestamp = Number(get.get('oauth_timestamp'));
  const nonce = get.get('oauth_nonce');
  const signature = get.get('oauth_signature');
  const version = get.get('oauth_version');
  if (!consumerKey || !method || !nonce || !signature || !Number.isSafeInteger(timestamp)) return null;
  if (methods[method] === undefined || (version !== undefined && version !== '1.0')) return null;
  return { consumerKey, token: get.get('oauth_token') ?? '', method, timestamp, nonce, signature: Buffer.from(signature, 'base64'), params };
}

/**
 * The signature base string (RFC 5849 §3.4.1): method, base string URI, and the normalised
 * parameters (protocol parameters and the query, sorted by encoded name then value).
 */
export function signatureBaseString(ctx: RequestContext, request: OAuth1Request): string | null {
  const host = ctx.host;
  if (host === null) return null;
  const proto = headerValue(ctx, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  const lowerHost = host.toLowerCase();
  const authority = (proto === 'http' && lowerHost.endsWith(':80')) || (proto === 'https' && lowerHost.endsWith(':443')) ? lowerHost.replace(/:\d+$/, '') : lowerHost;
  const pairs: [string, string][] = request.params.map(([name, value]) => [percentEncode(name), percentEncode(value)]);
  if (ctx.query.length > 1) {
    for (const [name, value] of new URLSearchParams(ctx.query.slice(1))) pairs.push([percentEncode(name), percentEncode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const normalised = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return `${ctx.req.method!.toUpperCase()}&${percentEncode(`${proto}://${authority}${ctx.path}`)}&${percentEncode(normalised)}`;
}

/**
 * OAuth 1.0a signed requests (`use_oauth1`; ours, Tyk has no such mode): HMAC-SHA1 or HMAC-SHA256
 * over the normalised request with the consumer and token secrets the auth service holds, a
 * timestamp window and nonces remembered per consumer so a captured request cannot be replayed.
 * Form-encoded body parameters are not part of the base string here (see the README).
 */
export const oauth1Mode: AuthModeModule = {
  mode: 'oauth1',
  scheme: 'OAuth',
  compile(_api, deps, answers) {
    const credentials = deps.credentials;
    const sessions = credentials.sessions;
    const clock = deps.clock;
    const decide = (ctx: RequestContext, request: OAuth1Request, base: string, entry: SessionEntry): StepResult => {
      if (!entry.found) return answers.invalid;
      // As the auth service names them (`consumer`, `token`); the longer names are accepted too.
      const consumerSecret = entry.secrets.consumer ?? entry.secrets.consumer_secret;
      const tokenSecret = entry.secrets.token ?? entry.secrets.token_secret ?? '';
      if (consumerSecret === undefined) return answers.invalid;
      const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
      const expected = createHmac(methods[request.method]!, key).update(base).digest();
      if (expected.length !== request.signature.length || !timingSafeEqual(expected, request.signature)) return answers.invalid;
      // Only a correctly signed request spends its nonce: a forger cannot block a real one.
      if (!credentials.rememberNonce(request.consumerKey, `${request.timestamp}:${request.token}:${request.nonce}`, 2 * TIMESTAMP_WINDOW_MS)) {
        return answers.invalid;
      }
      ctx.identity = sessions.identityOf(entry, 'oauth1');
      return CONTINUE;
    };
    return (ctx) => {
      const value = headerValue(ctx, 'authorization');
      if (value === null) return answers.missing;
      const request = parseOAuth1(value);
      if (request === null) return answers.invalid;
      if (Math.abs(clock() - request.timestamp * 1000) > TIMESTAMP_WINDOW_MS) return answers.invalid;
      const base = signatureBaseString(ctx, request);
      if (base === null) return answers.invalid;
      const cacheKey = `${request.consumerKey}\n${request.token}`;
      const entry = sessions.cached('oauth1', cacheKey);
      if (entry !== undefined) return decide(ctx, request, base, entry);
      const lookup = sessions.fetch(cacheKey, { kind: 'oauth1', id: request.consumerKey, ...(request.token !== '' ? { token: request.token } : {}) });
      return pendingUntil(ctx, lookup.then((fetched) => decide(ctx, request, base, fetched)));
    };
  },
};
