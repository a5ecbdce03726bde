import type { TokenIntrospection } from '@portcullis/contracts';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { authHarness, policy } from '../../../test/fixtures/auth.js';

const NOW = Date.parse('2026-11-23T12:00:00Z') / 1000;
let current: { privateKey: CryptoKey; jwk: JWK };
let next: { privateKey: CryptoKey; jwk: JWK };

async function signingKey(kid: string) {
  const pair = await generateKeyPair('ES256', { extractable: true });
  return { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

beforeAll(async () => {
  current = await signingKey('auth-1');
  next = await signingKey('auth-2');
});

function accessToken(claims: JWTPayload = {}, key = current, typ = 'at+jwt') {
  return new SignJWT({ client_id: 'app-1', jti: 'jti-1', pol: ['gold'], aud: 'api', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ, kid: key.jwk.kid! })
    .setIssuer('http://auth.test')
    .setSubject('app-1')
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
    .sign(key.privateKey);
}

const gold = policy({ id: 'gold', name: 'Gold', rate: 10, per: 1, access_rights: { api: { api_id: 'api' } } });

describe('OAuth 2.0 access tokens of our auth service', () => {
  function oauthApi() {
    let keys = [current.jwk];
    const h = authHarness({ use_oauth2: true }, { authJwks: () => ({ keys }), policies: [gold] });
    return { ...h, rotate: () => (keys = [current.jwk, next.jwk]) };
  }

  it('verifies against the JWKS from the bus: identity from iss+sub, client from client_id, policies from pol', async () => {
    const h = oauthApi();
    const response = await h.send('/api/x', { Authorization: `Bearer ${await accessToken()}` });
    expect(response.status).toBe(200);
    expect(response.identity).toMatchObject({ mode: 'oauth2', oauthClientId: 'app-1', expiresAt: NOW + 600 + 5 });
    expect(response.identity!.rights).toMatchObject({ rate: 10, per: 1, policyIds: ['gold'] });
    expect(h.calls.authJwks).toBe(1);
    expect(h.calls.introspect).toEqual([]);
  });

  it('requires typ at+jwt and this API in aud', async () => {
    const h = oauthApi();
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({}, current, 'JWT')}` })).status).toBe(401);
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({ aud: 'other-api' })}` })).status).toBe(401);
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({ aud: ['other-api', 'api'] })}` })).status).toBe(200);
  });

  it('refuses a revoked token at once, even one already cached as verified', async () => {
    const h = oauthApi();
    const t = await accessToken({ jti: 'to-revoke' });
    expect((await h.send('/api/x', { Authorization: `Bearer ${t}` })).status).toBe(200);
    h.credentials.onTokenRevoked('to-revoke', NOW + 600);
    const refused = await h.send('/api/x', { Authorization: `Bearer ${t}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({ jti: 'other' })}` })).status).toBe(200);
  });

  it('refuses a revoked token in the leeway after its exp too, though the denylist was pruned meanwhile', async () => {
    const h = oauthApi();
    const t = await accessToken({ jti: 'revoked-late' });
    expect((await h.send('/api/x', { Authorization: `Bearer ${t}` })).status).toBe(200);
    h.credentials.onTokenRevoked('revoked-late', NOW + 600);
    // 2 s past exp (verification allows 5): another revocation prunes the denylist.
    h.clock.now = (NOW + 602) * 1000;
    h.credentials.onTokenRevoked('another', NOW + 1200);
    expect((await h.send('/api/x', { Authorization: `Bearer ${t}` })).status).toBe(401);
  });

  it('takes up a rotated key on auth.keys.rotated and on an unknown kid', async () => {
    const h = oauthApi();
    await h.send('/api/x', { Authorization: `Bearer ${await accessToken()}` });
    h.rotate();
    h.credentials.onSigningKeysRotated();
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({ jti: 'n' }, next)}` })).status).toBe(200);
    expect(h.calls.authJwks).toBe(2);
  });
});

describe('opaque OAuth 2.0 access tokens, introspected over the bus', () => {
  const OPAQUE = 'pcat_' + 'a'.repeat(43);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  function active(claims: Partial<Extract<TokenIntrospection, { active: true }>> = {}): TokenIntrospection {
    return {
      active: true,
      jti: 'op-1',
      client_id: 'app-1',
      sub: 'app-1',
      scope: 'read',
      aud: ['api'],
      iss: 'http://auth.test',
      iat: NOW,
      exp: NOW + 600,
      pol: ['gold'],
      ...claims,
    };
  }

  function opaqueApi(answer: (token: string) => TokenIntrospection | Promise<TokenIntrospection> = () => active()) {
    return authHarness({ use_oauth2: true }, { introspect: answer, authJwks: () => ({ keys: [current.jwk] }), policies: [gold] });
  }

  it('asks the auth service about a token that is not a JWT: identity from iss+sub as for JWTs, client, expiry, policies from pol', async () => {
    const h = opaqueApi();
    const response = await h.send('/api/x', bearer(OPAQUE));
    expect(response.status).toBe(200);
    expect(h.calls.introspect).toEqual([OPAQUE]);
    expect(response.identity).toMatchObject({
      mode: 'oauth2',
      id: createHash('sha256').update('http://auth.test\napp-1').digest('hex'),
      oauthClientId: 'app-1',
      expiresAt: NOW + 600,
    });
    expect(response.identity!.rights).toMatchObject({ rate: 10, per: 1, policyIds: ['gold'] });
    expect(h.calls.authJwks).toBe(0);
  });

  it("refuses a token that cannot be one of the auth service's opaque tokens without asking it (junk costs no round trip)", async () => {
    const h = opaqueApi();
    for (const junk of ['opaque-token-1', 'pcat_short', 'p'.repeat(48), `pcat_${'a'.repeat(42)}=`, `PCAT_${'a'.repeat(43)}`]) {
      const response = await h.send('/api/x', bearer(junk));
      expect(response.status, junk).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    }
    expect(h.calls.introspect).toEqual([]);
  });

  it('serves a repeated token from the cache, and asks once for a burst of requests with a new one', async () => {
    const h = opaqueApi();
    const burst = await Promise.all(Array.from({ length: 5 }, () => h.send('/api/x', bearer(OPAQUE))));
    expect(burst.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
    expect(h.calls.introspect).toHaveLength(1);
  });

  it('requires this API in aud (401 invalid_token, as for a JWT)', async () => {
    const h = opaqueApi((token) => active({ aud: token.endsWith('b') ? ['other-api', 'api'] : ['other-api'] }));
    const refused = await h.send('/api/x', bearer(OPAQUE));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    expect((await h.send('/api/x', bearer('pcat_' + 'b'.repeat(43)))).status).toBe(200);
  });

  it('refuses an inactive token, and remembers that only briefly', async () => {
    let answer: TokenIntrospection = { active: false };
    const h = opaqueApi(() => answer);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
    expect(h.calls.introspect).toHaveLength(1);
    answer = active();
    h.clock.now += 5_000;
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
    expect(h.calls.introspect).toHaveLength(2);
  });

  it('refuses a cached token at once when auth.token.revoked names it, without asking again', async () => {
    const h = opaqueApi((token) => active({ jti: token === OPAQUE ? 'to-revoke' : 'other' }));
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
    h.credentials.onTokenRevoked('to-revoke', NOW + 600);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
    expect(h.calls.introspect).toHaveLength(1);
    expect((await h.send('/api/x', bearer('pcat_' + 'c'.repeat(43)))).status).toBe(200);
  });

  it('refuses a token revoked while its introspection was under way', async () => {
    const h = opaqueApi(() => {
      h.credentials.onTokenRevoked('op-1', NOW + 600);
      return active();
    });
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
  });

  it("asks again after 30 s, and never keeps an answer past the token's exp", async () => {
    let answer = active({ exp: NOW + 3600 });
    const h = opaqueApi(() => answer);
    await h.send('/api/x', bearer(OPAQUE));
    h.clock.now += 29_999;
    await h.send('/api/x', bearer(OPAQUE));
    expect(h.calls.introspect).toHaveLength(1);
    h.clock.now += 1;
    await h.send('/api/x', bearer(OPAQUE));
    expect(h.calls.introspect).toHaveLength(2);

    // Ten seconds to live: cached for ten seconds, then the auth service says it has expired.
    answer = active({ exp: h.clock.now / 1000 + 10 });
    const soon = 'pcat_' + 'd'.repeat(43);
    expect((await h.send('/api/x', bearer(soon))).status).toBe(200);
    h.clock.now += 9_999;
    expect((await h.send('/api/x', bearer(soon))).status).toBe(200);
    answer = { active: false };
    h.clock.now += 1;
    expect((await h.send('/api/x', bearer(soon))).status).toBe(401);
    expect(h.calls.introspect).toHaveLength(4);
  });

  it('asks on every request when the cache lifetime is 0', async () => {
    const h = authHarness({ use_oauth2: true }, { introspect: () => active(), timings: { introspectionTtlMs: 0 }, policies: [gold] });
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
    expect(h.calls.introspect).toHaveLength(2);
  });

  it("refuses an answer already past its exp by this gateway's clock", async () => {
    const h = opaqueApi(() => active({ exp: NOW - 1 }));
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
  });

  it('answers 503 when the auth service cannot be asked, and does not remember that', async () => {
    let up = false;
    const h = opaqueApi(() => (up ? active() : Promise.reject(new Error('no responders'))));
    const down = await h.send('/api/x', bearer(OPAQUE));
    expect(down.status).toBe(503);
    up = true;
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(200);
  });

  it('refuses what cannot be a bearer token without asking, and a malformed answer as inactive', async () => {
    const h = opaqueApi(() => ({ active: true, jti: 'x' }) as unknown as TokenIntrospection);
    expect((await h.send('/api/x', bearer('not a token'))).status).toBe(401);
    expect((await h.send('/api/x', bearer('p'.repeat(513)))).status).toBe(401);
    expect(h.calls.introspect).toEqual([]);
    expect((await h.send('/api/x', bearer(OPAQUE))).status).toBe(401);
    expect(h.calls.introspect).toEqual([OPAQUE]);
  });

  it('sends a JWT-looking token down the JWT path, never to introspection', async () => {
    const h = opaqueApi();
    expect((await h.send('/api/x', bearer('a.b.c'))).status).toBe(401);
    expect((await h.send('/api/x', bearer(await accessToken()))).status).toBe(200);
    expect(h.calls.introspect).toEqual([]);
  });
});
