import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
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

  it('takes up a rotated key on auth.keys.rotated and on an unknown kid', async () => {
    const h = oauthApi();
    await h.send('/api/x', { Authorization: `Bearer ${await accessToken()}` });
    h.rotate();
    h.credentials.onSigningKeysRotated();
    expect((await h.send('/api/x', { Authorization: `Bearer ${await accessToken({ jti: 'n' }, next)}` })).status).toBe(200);
    expect(h.calls.authJwks).toBe(2);
  });
});
