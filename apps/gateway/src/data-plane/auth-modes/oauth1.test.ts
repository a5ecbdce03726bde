import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PortcullisError } from '@portcullis/errors';
import { authHarness, session, type AuthHarnessOptions } from '../../../test/fixtures/auth.js';
import { compiledConfiguration, contextFor } from '../../../test/fixtures/data-plane.js';
import { parseOAuth1, parseOAuth1Form, percentEncode, signatureBaseString } from './oauth1.js';
import { formParameters, hasFormBody } from './oauth1-body.js';

const consumerSecret = 'cs-secret';
const tokenSecret = 'ts-secret';

function oauth1Api(fleet: Pick<AuthHarnessOptions, 'claimNonce' | 'fleetNonces'> = {}) {
  return authHarness(
    { use_oauth1: true },
    {
      ...fleet,
      lookup: ({ kind, id, token }) =>
        kind === 'oauth1' && id === 'consumer-1' && token === 'token-1'
          ? { found: true, key_hash: 'o1', session: session(), secrets: { consumer: consumerSecret, token: tokenSecret } }
          : { found: false },
    },
  );
}

/** An RFC 5849 client, written from the spec independently of the gateway's code. */
function signRequest(method: string, url: string, now: number, options: { nonce?: string; timestamp?: number; method?: string; secret?: string } = {}) {
  const u = new URL(url);
  const oauth: Record<string, string> = {
    oauth_consumer_key: 'consumer-1',
    oauth_token: 'token-1',
    oauth_signature_method: options.method ?? 'HMAC-SHA1',
    oauth_timestamp: String(options.timestamp ?? Math.floor(now / 1000)),
    oauth_nonce: options.nonce ?? Math.random().toString(36).slice(2),
    oauth_version: '1.0',
  };
  const params = [...Object.entries(oauth), ...u.searchParams.entries()].map(([k, v]) => [percentEncode(k), percentEncode(v)]);
  params.sort((a, b) => (a[0]! === b[0]! ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1));
  const base = [method, percentEncode(`${u.protocol}//${u.host}${u.pathname}`), percentEncode(params.map(([k, v]) => `${k}=${v}`).join('&'))].join('&');
  const digest = oauth.oauth_signature_method === 'HMAC-SHA256' ? 'sha256' : 'sha1';
  const signature = createHmac(digest, `${percentEncode(options.secret ?? consumerSecret)}&${percentEncode(tokenSecret)}`)
    .update(base)
    .digest('base64');
  const header = Object.entries({ realm: 'api', ...oauth, oauth_signature: signature })
    .map(([k, v]) => `${k}="${percentEncode(v)}"`)
    .join(', ');
  return { Authorization: `OAuth ${header}`, Host: u.host };
}

describe('OAuth 1.0a signed requests', () => {
  it('accepts HMAC-SHA1 and HMAC-SHA256 signatures over the normalised request', async () => {
    const h = oauth1Api();
    const sha1 = await h.send('/api/x?b=2&a=1&a=0', signRequest('GET', 'http://gw.test/api/x?b=2&a=1&a=0', h.clock.now));
    expect(sha1.status).toBe(200);
    expect(sha1.identity).toMatchObject({ mode: 'oauth1', id: 'o1' });
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { method: 'HMAC-SHA256' }))).status).toBe(200);
    expect(h.calls.lookup).toEqual([{ kind: 'oauth1', id: 'consumer-1', token: 'token-1' }]);
  });

  it('refuses a replayed nonce, a stale timestamp, a wrong secret and a changed request', async () => {
    const h = oauth1Api();
    const headers = signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-1' });
    expect((await h.send('/api/x', headers)).status).toBe(200);
    const replay = await h.send('/api/x', headers);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('www-authenticate')).toBe('OAuth realm="api"');
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { timestamp: Math.floor(h.clock.now / 1000) - 301 }))).status).toBe(
      401,
    );
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { secret: 'guess' }))).status).toBe(401);
    expect((await h.send('/api/y', signRequest('GET', 'http://gw.test/api/x', h.clock.now))).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now), 'POST')).status).toBe(401);
    expect((await h.send('/api/x')).status).toBe(401);
  });

  it('spends the nonce for the fleet: the same request replayed to another gateway is refused', async () => {
    const fleetNonces = new Set<string>();
    const [first, second] = [oauth1Api({ fleetNonces }), oauth1Api({ fleetNonces })];
    const headers = signRequest('GET', 'http://gw.test/api/x', first.clock.now, { nonce: 'n-fleet' });
    expect((await first.send('/api/x', headers)).status).toBe(200);
    expect(first.calls.claimNonce).toEqual([{ consumer_key: 'consumer-1', token: 'token-1', timestamp: Math.floor(first.clock.now / 1000), nonce: 'n-fleet' }]);
    const elsewhere = await second.send('/api/x', headers);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.refusal).toBe('invalid');
  });

  it('answers 503 when the auth service cannot spend the nonce (the request may well be good)', async () => {
    const h = oauth1Api({ claimNonce: () => Promise.reject(new PortcullisError('service_unavailable')) });
    const response = await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now));
    expect(response.status).toBe(503);
    expect(response.identity).toBeNull();
  });

  it('a forged request does not spend the nonce of a real one', async () => {
    const h = oauth1Api();
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-2', secret: 'guess' }))).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-2' }))).status).toBe(200);
  });

  it('refuses a replay while its timestamp is in the window, however many requests the consumer made since', async () => {
    const h = oauth1Api();
    const captured = signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-3' });
    expect((await h.send('/api/x', captured)).status).toBe(200);
    // 10,000 more requests over 200 s (50 a second): more nonces than a consumer's bound holds.
    for (let i = 0; i < 10_000; i++) {
      h.clock.now += 20;
      expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now))).status).toBe(200);
    }
    expect((await h.send('/api/x', captured)).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now))).status).toBe(200);
    // 10,002 signed requests take about 3 s on a quiet machine and more on a shared CI one: the bound
    // is about the replay window, not speed.
  }, 30_000);
});

describe('the signature base string with form body parameters', () => {
  // RFC 5849 §3.4.1.1, the example request and the base string the RFC gives for it (joined up).
  const header =
    'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", ' +
    'oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
  const rfcBase =
    'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_' +
    'key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk' +
    '9d7dh3k39sjv7';

  function rfcRequest(contentType = 'application/x-www-form-urlencoded') {
    const { config } = compiledConfiguration([]);
    const { ctx } = contextFor(config, '/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', {
      Host: 'example.com',
      'Content-Type': contentType,
      'Content-Length': '9',
      Authorization: header,
    });
    (ctx.req as { method: string }).method = 'POST';
    return ctx;
  }

  it("is RFC 5849 §3.4.1.1's example, body `c2&a3=2+q` included", () => {
    const ctx = rfcRequest();
    expect(hasFormBody(ctx)).toBe(true);
    const body = formParameters(Buffer.from('c2&a3=2+q'));
    expect(body).toEqual([
      ['c2', ''],
      ['a3', '2 q'],
    ]);
    expect(signatureBaseString(ctx, parseOAuth1(header)!, body)).toBe(rfcBase);
  });

  it('finds a form body only with that media type (any case, with parameters) and a body', () => {
    expect(hasFormBody(rfcRequest('Application/X-WWW-Form-Urlencoded ; charset=utf-8'))).toBe(true);
    expect(hasFormBody(rfcRequest('application/json'))).toBe(false);
    expect(hasFormBody(rfcRequest('multipart/form-data; boundary=x'))).toBe(false);
    expect(hasFormBody(rfcRequest('application/x-www-form-urlencodedx'))).toBe(false);
    const { config } = compiledConfiguration([]);
    expect(hasFormBody(contextFor(config, '/r', { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': '0' }).ctx)).toBe(false);
    expect(hasFormBody(contextFor(config, '/r', { 'Content-Type': 'application/x-www-form-urlencoded' }).ctx)).toBe(false);
    expect(hasFormBody(contextFor(config, '/r', { 'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked' }).ctx)).toBe(true);
  });

  it('keeps a leading ? of a form body as part of the first name', () => {
    expect(formParameters(Buffer.from('?a=1&&b'))).toEqual([
      ['?a', '1'],
      ['b', ''],
    ]);
  });

  it('reads the protocol parameters from a form body (§3.5.2): all but oauth_signature are signed; repeats are malformed', () => {
    const pairs = formParameters(
      Buffer.from('oauth_consumer_key=ck&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1&oauth_nonce=n&oauth_signature=c2ln&x=1'),
    );
    const request = parseOAuth1Form(pairs)!;
    expect(request).toMatchObject({ consumerKey: 'ck', token: '', method: 'HMAC-SHA1', timestamp: 1, nonce: 'n', signature: Buffer.from('sig') });
    expect(request.params.map(([name]) => name)).toEqual(['oauth_consumer_key', 'oauth_signature_method', 'oauth_timestamp', 'oauth_nonce', 'x']);
    expect(parseOAuth1Form(formParameters(Buffer.from('x=1&y=2')))).toBeNull();
    expect(parseOAuth1Form([...pairs, ['oauth_nonce', 'other']])).toBeNull();
  });
});
