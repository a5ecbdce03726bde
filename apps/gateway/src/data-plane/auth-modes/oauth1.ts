import { OAUTH1_TIMESTAMP_WINDOW_SECONDS } from '@portcullis/contracts';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SessionEntry } from '../credentials/sessions.js';
import { errorResponse } from '../error-responses.js';
import { readBody, type BodyRead } from '../oauth/read-body.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type StepResult } from '../step.js';
import type { AuthModeModule } from './auth-mode.js';
import { headerValue } from './credential-location.js';
import { formParameters, hasFormBody } from './oauth1-body.js';
import { pendingUntil } from './pending.js';
import { parseAuthParams } from './signature-params.js';

/** RFC 5849 §3.3: how far `oauth_timestamp` may be from our clock. */
const TIMESTAMP_WINDOW_MS = OAUTH1_TIMESTAMP_WINDOW_SECONDS * 1000;
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
  return protocolRequest(get, params);
}

/**
 * RFC 5849 §3.5.2: the protocol parameters sent in a form body instead of the header, or null when
 * the body carries none (or some twice: which one would count is for an attacker to choose). Every
 * other form parameter is signed with them; oauth_signature is left out (§3.4.1.3.2).
 */
export function parseOAuth1Form(pairs: readonly [string, string][]): OAuth1Request | null {
  const get = new Map<string, string>();
  const params: [string, string][] = [];
  for (const pair of pairs) {
    const name = pair[0];
    if (name.startsWith('oauth_')) {
      if (get.has(name)) return null;
      get.set(name, pair[1]);
    }
    if (name !== 'oauth_signature') params.push(pair);
  }
  return get.size === 0 ? null : protocolRequest(get, params);
}

function protocolRequest(get: ReadonlyMap<string, string>, params: [string, string][]): OAuth1Request | null {
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

/** RFC 5849 §3.5: one way only. Protocol parameters in the body beside the header's are refused. */
function carriesProtocolParameters(pairs: readonly [string, string][]): boolean {
  for (const pair of pairs) if (pair[0].startsWith('oauth_')) return true;
  return false;
}

/**
 * The signature base string (RFC 5849 §3.4.1): method, base string URI, and the normalised
 * parameters (the protocol parameters, the query, and `bodyParams`, the decoded pairs of a form
 * body, all sorted by encoded name then value).
 */
export function signatureBaseString(ctx: RequestContext, request: OAuth1Request, bodyParams: readonly [string, string][] | null = null): string | null {
  const host = ctx.host;
  if (host === null) return null;
  const proto = headerValue(ctx, 'x-forwarded-proto') === 'https' ? 'https' : 'http';
  const lowerHost = host.toLowerCase();
  const authority =
    (proto === 'http' && lowerHost.endsWith(':80')) || (proto === 'https' && lowerHost.endsWith(':443')) ? lowerHost.replace(/:\d+$/, '') : lowerHost;
  const pairs: [string, string][] = request.params.map(([name, value]) => [percentEncode(name), percentEncode(value)]);
  if (ctx.query.length > 1) {
    for (const [name, value] of new URLSearchParams(ctx.query.slice(1))) pairs.push([percentEncode(name), percentEncode(value)]);
  }
  if (bodyParams !== null) for (const [name, value] of bodyParams) pairs.push([percentEncode(name), percentEncode(value)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const normalised = pairs.map(([name, value]) => `${name}=${value}`).join('&');
  return `${ctx.req.method!.toUpperCase()}&${percentEncode(`${proto}://${authority}${ctx.path}`)}&${percentEncode(normalised)}`;
}

// The body went over the limit: refused before reading the rest, so the connection cannot be reused.
const bodyTooLarge = errorResponse('payload_too_large', ['connection', 'close']);

/**
 * OAuth 1.0a signed requests (`use_oauth1`; ours, Tyk has no such mode): HMAC-SHA1 or HMAC-SHA256
 * over the normalised request with the consumer and token secrets the auth service holds, a
 * timestamp window and nonces spent for the whole fleet (at the auth service, after a check on this
 * gateway) so a captured request cannot be replayed to any gateway.
 * A form-encoded body is read whole (up to the gateway's limit) because its parameters are signed
 * too; the proxy then sends the bytes read. Any other body streams, and costs this mode nothing.
 */
export const oauth1Mode: AuthModeModule = {
  mode: 'oauth1',
  scheme: 'OAuth',
  compile(_api, deps, answers) {
    const credentials = deps.credentials;
    const sessions = credentials.sessions;
    const clock = deps.clock;
    const bodyLimit = deps.signedBodyLimit;
    const stale = (request: OAuth1Request): boolean => Math.abs(clock() - request.timestamp * 1000) > TIMESTAMP_WINDOW_MS;
    const decide = (ctx: RequestContext, request: OAuth1Request, base: string, entry: SessionEntry): StepResult | Promise<StepResult> => {
      if (!entry.found) return answers.invalid;
      // As the auth service names them (`consumer`, `token`); the longer names are accepted too.
      const consumerSecret = entry.secrets.consumer ?? entry.secrets.consumer_secret;
      const tokenSecret = entry.secrets.token ?? entry.secrets.token_secret ?? '';
      if (consumerSecret === undefined) return answers.invalid;
      const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
      const expected = createHmac(methods[request.method]!, key).update(base).digest();
      if (expected.length !== request.signature.length || !timingSafeEqual(expected, request.signature)) return answers.invalid;
      // Only a correctly signed request spends its nonce: a forger cannot block a real one.
      return credentials.spendNonce(request.consumerKey, request.token, request.timestamp, request.nonce).then((fresh) => {
        if (!fresh) return answers.invalid;
        ctx.identity = sessions.identityOf(entry, 'oauth1');
        return CONTINUE;
      });
    };
    /** A lookup that is not cached yet answers a promise. */
    const verify = (ctx: RequestContext, request: OAuth1Request, bodyParams: readonly [string, string][] | null): StepResult | Promise<StepResult> => {
      const base = signatureBaseString(ctx, request, bodyParams);
      if (base === null) return answers.invalid;
      const cacheKey = `${request.consumerKey}\n${request.token}`;
      const entry = sessions.cached('oauth1', cacheKey);
      if (entry !== undefined) return decide(ctx, request, base, entry);
      const lookup = sessions.fetch(cacheKey, { kind: 'oauth1', id: request.consumerKey, ...(request.token !== '' ? { token: request.token } : {}) });
      return lookup.then((fetched) => decide(ctx, request, base, fetched));
    };
    /** After the form body is read: `request` is the header's, or null when there was no header. */
    const withBody = (ctx: RequestContext, request: OAuth1Request | null, read: BodyRead): StepResult | Promise<StepResult> => {
      if (read.kind === 'too-large') return bodyTooLarge;
      // The client went away mid-body, or sent it too slowly for the server's request timeout.
      if (read.kind === 'failed') return answers.invalid;
      ctx.body = read.body;
      const pairs = formParameters(read.body);
      // The timestamp again: a body may take minutes, and a nonce is remembered only twice the window.
      if (request !== null) return carriesProtocolParameters(pairs) || stale(request) ? answers.invalid : verify(ctx, request, pairs);
      const fromBody = parseOAuth1Form(pairs);
      if (fromBody === null) return carriesProtocolParameters(pairs) ? answers.invalid : answers.missing;
      return stale(fromBody) ? answers.invalid : verify(ctx, fromBody, null);
    };
    return (ctx) => {
      const value = headerValue(ctx, 'authorization');
      let request: OAuth1Request | null = null;
      if (value !== null) {
        request = parseOAuth1(value);
        // Refused before any of the body is read.
        if (request === null || stale(request)) return answers.invalid;
      }
      if (hasFormBody(ctx))
        return pendingUntil(
          ctx,
          readBody(ctx.req, bodyLimit).then((read) => withBody(ctx, request, read)),
        );
      if (request === null) return answers.missing;
      const result = verify(ctx, request, null);
      return result instanceof Promise ? pendingUntil(ctx, result) : result;
    };
  },
};
