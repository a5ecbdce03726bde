import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authHarness, session } from '../../../test/fixtures/auth.js';
import { percentEncode } from './oauth1.js';

const consumerSecret = 'cs-secret';
const tokenSecret = 'ts-secret';

function oauth1Api() {
  return authHarness(
    { use_oauth1: true },
    {
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
  const signature = createHmac(digest, `${percentEncode(options.secret ?? consumerSecret)}&${percentEncode(tokenSecret)}`).update(base).digest('base64');
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
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { timestamp: Math.floor(h.clock.now / 1000) - 301 }))).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { secret: 'guess' }))).status).toBe(401);
    expect((await h.send('/api/y', signRequest('GET', 'http://gw.test/api/x', h.clock.now))).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now), 'POST')).status).toBe(401);
    expect((await h.send('/api/x')).status).toBe(401);
  });

  it('a forged request does not spend the nonce of a real one', async () => {
    const h = oauth1Api();
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-2', secret: 'guess' }))).status).toBe(401);
    expect((await h.send('/api/x', signRequest('GET', 'http://gw.test/api/x', h.clock.now, { nonce: 'n-2' }))).status).toBe(200);
  });
});
