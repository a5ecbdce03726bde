import { createHmac, KeyObject } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { authHarness, policy, unauthorisedBody } from '../../../test/fixtures/auth.js';
import { MAX_VERIFIED_CACHE_MS } from './jwt-verifier.js';

const NOW = Date.parse('2026-11-23T12:00:00Z') / 1000;
const secret = 'a-shared-hs256-secret-of-enough-length!';
const b64 = (text: string) => Buffer.from(text).toString('base64');
const gold = policy({ id: 'gold', name: 'Gold', access_rights: { api: { api_id: 'api' } } });
const silver = policy({ id: 'silver', name: 'Silver', rate: 1, per: 1, access_rights: { api: { api_id: 'api' } } });

let rsa: { publicKey: CryptoKey; privateKey: CryptoKey };
let es: { publicKey: CryptoKey; privateKey: CryptoKey };
let es2: { publicKey: CryptoKey; privateKey: CryptoKey };
let rsaPem: string;
let esJwk: JWK;
let es2Jwk: JWK;

beforeAll(async () => {
  rsa = await generateKeyPair('RS256', { extractable: true });
  es = await generateKeyPair('ES256', { extractable: true });
  es2 = await generateKeyPair('ES256', { extractable: true });
  rsaPem = await exportSPKI(rsa.publicKey);
  esJwk = { ...(await exportJWK(es.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  es2Jwk = { ...(await exportJWK(es2.publicKey)), kid: 'k2', alg: 'ES256', use: 'sig' };
});

function token(claims: JWTPayload, key: CryptoKey | KeyObject | Uint8Array, header: { alg: string; kid?: string; typ?: string }) {
  return new SignJWT({ sub: 'user-1', iat: NOW, exp: NOW + 300, ...claims }).setProtectedHeader(header).sign(key);
}
const hs = (claims: JWTPayload = {}) => token(claims, new TextEncoder().encode(secret), { alg: 'HS256' });
const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

/** Hand-made `alg: none` token (jose refuses to make one that looks signed). */
function unsigned(claims: JWTPayload): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'user-1', exp: NOW + 300, ...claims })}.`;
}

describe('JWT with an inline HMAC secret', () => {
  const api = {
    enable_jwt: true,
    jwt_signing_method: 'hmac',
    jwt_source: b64(secret),
    jwt_policy_field_name: 'pol',
    jwt_default_policies: ['silver'],
  } as const;

  it('accepts a valid token, with the identity from sub (hashed with iss) and policies from pol', async () => {
    const h = authHarness(api, { policies: [gold, silver] });
    const response = await h.send('/api/x', bearer(await hs({ pol: ['gold'] })));
    expect(response.status).toBe(200);
    expect(response.identity).toMatchObject({ mode: 'jwt', expiresAt: NOW + 300 + 5, oauthClientId: null });
    expect(response.identity!.id).toMatch(/^[0-9a-f]{64}$/);
    expect(response.identity!.rights.policyIds).toEqual(['gold']);
    // The verified claims ride on the identity, for $tyk_context.jwt_claims_* in header transforms.
    expect(response.identity!.claims).toMatchObject({ pol: ['gold'] });
  });

  it('falls back to jwt_default_policies without a policy claim; maps scopes to policies', async () => {
    const h = authHarness({ ...api, jwt_scope_to_policy_mapping: { 'read:all': 'gold' } }, { policies: [gold, silver] });
    expect((await h.send('/api/x', bearer(await hs()))).identity!.rights.policyIds).toEqual(['silver']);
    expect((await h.send('/api/x', bearer(await hs({ scope: 'openid read:all' })))).identity!.rights.policyIds).toEqual(['gold']);
    expect((await h.send('/api/x', bearer(await hs({ pol: 'silver', scope: 'read:all' })))).identity!.rights.policyIds).toEqual(['silver', 'gold']);
  });

  it('takes the identity from jwt_identity_base_field (falling back to sub)', async () => {
    const h = authHarness({ ...api, jwt_identity_base_field: 'email' });
    const a = await h.send('/api/x', bearer(await hs({ email: 'a@x', sub: 's1' })));
    const b = await h.send('/api/x', bearer(await hs({ email: 'a@x', sub: 's2' })));
    const c = await h.send('/api/x', bearer(await hs({ sub: 's2' })));
    expect(a.identity!.id).toBe(b.identity!.id);
    expect(c.identity!.id).not.toBe(a.identity!.id);
  });

  it('refuses missing, forged, expired, exp-less, not-yet-valid and alg:none tokens with the same body', async () => {
    const h = authHarness(api);
    const forged = (await hs()).replace(/\.[^.]+$/, `.${createHmac('sha256', 'guess').update('x').digest('base64url')}`);
    const tokens = [
      forged,
      await hs({ exp: NOW - 10 }),
      await new SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret)),
      await hs({ nbf: NOW + 60 }),
      unsigned({}),
      'not-a-jwt',
    ];
    for (const t of tokens) {
      const response = await h.send('/api/x', bearer(t));
      expect(response.status, t).toBe(401);
      expect(JSON.parse(response.body)).toEqual(unauthorisedBody);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
    }
    const missing = await h.send('/api/x');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(JSON.parse(missing.body)).toEqual(unauthorisedBody);
  });

  it('allows a small clock skew (default 5 s; Tyk skew fields widen it)', async () => {
    const h = authHarness(api);
    expect((await h.send('/api/x', bearer(await hs({ exp: NOW - 3 })))).status).toBe(200);
    const wide = authHarness({ ...api, jwt_expires_at_validation_skew: 120 });
    expect((await wide.send('/api/x', bearer(await hs({ exp: NOW - 100 })))).status).toBe(200);
  });

  it('refuses a token issued in the future beyond jwt_issued_at_validation_skew (default 5 s)', async () => {
    const h = authHarness(api);
    expect((await h.send('/api/x', bearer(await hs({ iat: NOW + 3 })))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await hs({ iat: NOW + 60 })))).status).toBe(401);
    const wide = authHarness({ ...api, jwt_issued_at_validation_skew: 120 });
    expect((await wide.send('/api/x', bearer(await hs({ iat: NOW + 60 })))).status).toBe(200);
    expect((await wide.send('/api/x', bearer(await hs({ iat: NOW + 121 })))).status).toBe(401);
  });

  it('gives each time claim its own skew: a wide exp skew does not widen nbf or iat', async () => {
    const h = authHarness({ ...api, jwt_expires_at_validation_skew: 300 });
    expect((await h.send('/api/x', bearer(await hs({ exp: NOW - 200 })))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await hs({ nbf: NOW + 60 })))).status).toBe(401);
    expect((await h.send('/api/x', bearer(await hs({ iat: NOW + 60 })))).status).toBe(401);
    const nbf = authHarness({ ...api, jwt_not_before_validation_skew: 120 });
    expect((await nbf.send('/api/x', bearer(await hs({ nbf: NOW + 60 })))).status).toBe(200);
    expect((await nbf.send('/api/x', bearer(await hs({ nbf: NOW + 121 })))).status).toBe(401);
    expect((await nbf.send('/api/x', bearer(await hs({ exp: NOW - 60 })))).status).toBe(401);
  });

  it('remembers a token with exp: 1e300 for MAX_VERIFIED_CACHE_MS only, and refuses an exp that is not finite', async () => {
    const h = authHarness(api, { policies: [gold] });
    const t = await hs({ pol: 'gold', exp: 1e300 });
    const first = await h.send('/api/x', bearer(t));
    expect(first.status).toBe(200);
    expect(first.identity!.expiresAt).toBe(1e300 + 5);
    h.clock.now += MAX_VERIFIED_CACHE_MS - 1;
    expect((await h.send('/api/x', bearer(t))).identity).toBe(first.identity);
    h.clock.now += 1;
    // Verified afresh: a new cache entry, hence a new identity object.
    const again = await h.send('/api/x', bearer(t));
    expect(again.status).toBe(200);
    expect(again.identity).not.toBe(first.identity);
    // 1e400 is Infinity once parsed: malformed, never cached for ever.
    const claims = Buffer.from(`{"sub":"user-1","iat":${NOW},"exp":1e400}`).toString('base64url');
    const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const infinite = `${header}.${claims}.${createHmac('sha256', secret).update(`${header}.${claims}`).digest('base64url')}`;
    expect((await h.send('/api/x', bearer(infinite))).status).toBe(401);
  });

  it('caches a verified token until exp: the same identity object, no new check; refused once expired', async () => {
    const h = authHarness(api, { policies: [gold] });
    const t = await hs({ pol: 'gold', exp: NOW + 60 });
    const first = await h.send('/api/x', bearer(t));
    const second = await h.send('/api/x', bearer(t));
    expect(second.identity).toBe(first.identity);
    h.clock.now += 61_000 + 5_000;
    expect((await h.send('/api/x', bearer(t))).status).toBe(401);
  });

  it('refuses an RS256 token on an HMAC API (algorithms pinned, never taken from the token)', async () => {
    const h = authHarness(api);
    expect((await h.send('/api/x', bearer(await token({}, rsa.privateKey, { alg: 'RS256' })))).status).toBe(401);
  });
});

describe('JWT with a public key', () => {
  it('accepts RS256 from a PEM (plain or base64) and refuses HS256 signed with that PEM as the secret', async () => {
    for (const source of [rsaPem, b64(rsaPem)]) {
      const h = authHarness({ enable_jwt: true, jwt_signing_method: 'rsa', jwt_source: source });
      expect((await h.send('/api/x', bearer(await token({}, rsa.privateKey, { alg: 'RS256' })))).status).toBe(200);
      // The classic confusion attack: the public key text used as an HMAC secret.
      const confused = await token({}, new TextEncoder().encode(rsaPem), { alg: 'HS256' });
      expect((await h.send('/api/x', bearer(confused))).status).toBe(401);
    }
  });

  it('will not load an API whose hmac method names a public key, or whose rsa method names a secret', () => {
    expect(() => authHarness({ enable_jwt: true, jwt_signing_method: 'hmac', jwt_source: rsaPem })).toThrow(/shared secret/);
    expect(() => authHarness({ enable_jwt: true, jwt_signing_method: 'rsa', jwt_source: b64(secret) })).toThrow(/public key/);
  });
});

/**
 * Pinning proven with keys that could make the other algorithm: jose alone would accept PS256 or
 * RS512 from an RSA key, and HS512 from the same secret, so only the API's pin refuses them.
 */
describe('JWT algorithm pinning, same key, other algorithm', () => {
  // A KeyObject, unlike a WebCrypto key, is not tied to one algorithm: it signs RS*, PS* alike.
  const rsaAnyAlg = () => KeyObject.from(rsa.privateKey);
  it('an API pinned to RS256 refuses PS256 and RS512 tokens signed with its very RSA key', async () => {
    const h = authHarness({ enable_jwt: true, jwt_signing_method: 'RS256', jwt_source: rsaPem });
    expect((await h.send('/api/x', bearer(await token({}, rsa.privateKey, { alg: 'RS256' })))).status).toBe(200);
    for (const alg of ['PS256', 'RS512']) {
      expect((await h.send('/api/x', bearer(await token({ jti: alg }, rsaAnyAlg(), { alg })))).status, alg).toBe(401);
    }
  });

  it('an API on the rsa family (RS256/384/512) refuses PS256 with its RSA key from a JWKS', async () => {
    const h = authHarness(
      { enable_jwt: true, jwt_issuers: [{ issuer: 'https://rsa.test', jwks_uri: 'https://rsa.test/keys', signing_methods: ['rsa'] }] },
      { documents: () => ({ keys: [{ ...rsaJwk, kid: 'r1' }] }) },
    );
    const signed = (alg: string) => token({ iss: 'https://rsa.test', jti: alg }, rsaAnyAlg(), { alg, kid: 'r1' });
    expect((await h.send('/api/x', bearer(await signed('RS512')))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await signed('PS256')))).status).toBe(401);
  });

  it('an HMAC API pinned to HS256 refuses HS512 with the same secret', async () => {
    const key = new TextEncoder().encode(secret);
    const h = authHarness({ enable_jwt: true, jwt_signing_method: 'HS256', jwt_source: b64(secret) });
    expect((await h.send('/api/x', bearer(await token({}, key, { alg: 'HS256' })))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await token({}, key, { alg: 'HS512' })))).status).toBe(401);
  });

  it('an OAuth 2.0 API (our ES256 tokens) refuses ES384 and PS256 signed with keys from the same JWKS', async () => {
    const p384 = await generateKeyPair('ES384', { extractable: true });
    const keys = [
      { ...esJwk, kid: 'es' },
      { ...(await exportJWK(p384.publicKey)), kid: 'p384' },
      { ...rsaJwk, kid: 'rsa' },
    ];
    const h = authHarness({ use_oauth2: true }, { authJwks: () => ({ keys }) as never });
    const at = (key: CryptoKey | KeyObject, alg: string, kid: string) => token({ aud: 'api', jti: kid }, key, { alg, kid, typ: 'at+jwt' });
    expect((await h.send('/api/x', bearer(await at(es.privateKey, 'ES256', 'es')))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await at(p384.privateKey, 'ES384', 'p384')))).status).toBe(401);
    expect((await h.send('/api/x', bearer(await at(rsaAnyAlg(), 'PS256', 'rsa')))).status).toBe(401);
  });
});

describe('JWT from a JWKS', () => {
  const jwksUrl = 'https://idp.test/jwks';
  const api = { enable_jwt: true, jwt_signing_method: 'ecdsa', jwt_source: jwksUrl } as const;

  it('verifies with the JWKS key named by kid; a rotated-in kid refetches at once; made-up kids only within the burst', async () => {
    let keys = [esJwk];
    const h = authHarness(api, { documents: () => ({ keys }) });
    expect((await h.send('/api/x', bearer(await token({}, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(200);
    expect(h.calls.documents).toEqual([jwksUrl]);
    // The provider rotates a second later: a token with the new kid is accepted at once (one refetch).
    h.clock.now += 1_000;
    keys = [esJwk, es2Jwk];
    expect((await h.send('/api/x', bearer(await token({}, es2.privateKey, { alg: 'ES256', kid: 'k2' })))).status).toBe(200);
    expect(h.calls.documents).toHaveLength(2);
    // A flood of unknown kids: refused, and the provider asked once more at most (the burst of 3 spent).
    for (const kid of ['x1', 'x2', 'x3', 'x4', 'x5'])
      expect((await h.send('/api/x', bearer(await token({}, es.privateKey, { alg: 'ES256', kid })))).status).toBe(401);
    expect(h.calls.documents).toHaveLength(3);
  });

  it('coalesces concurrent refetches for unknown kids into one request', async () => {
    const h = authHarness(api, { documents: async () => ({ keys: [esJwk, es2Jwk] }) });
    const t = await token({}, es2.privateKey, { alg: 'ES256', kid: 'k2' });
    const responses = await Promise.all([1, 2, 3, 4].map((i) => h.send(`/api/${i}`, bearer(t.replace(/^/, '')))));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(h.calls.documents).toHaveLength(1);
  });

  it('keeps serving known keys while the provider is down', async () => {
    let up = true;
    const h = authHarness(api, {
      documents: () => {
        if (!up) throw new Error('connection refused');
        return { keys: [esJwk] };
      },
    });
    expect((await h.send('/api/x', bearer(await token({ jti: 'a' }, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(200);
    up = false;
    h.clock.now += 3_600_000 - 600_000;
    expect((await h.send('/api/x', bearer(await token({ jti: 'b', exp: NOW + 4000 }, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await token({ jti: 'c', exp: NOW + 4000 }, es2.privateKey, { alg: 'ES256', kid: 'k2' })))).status).toBe(401);
  });

  it('never uses an HS key from a JWKS, nor accepts HS256 on a JWKS source', async () => {
    const h = authHarness(api, { documents: () => ({ keys: [{ kty: 'oct', k: Buffer.from(secret).toString('base64url'), kid: 'k1' }, esJwk] }) });
    expect((await h.send('/api/x', bearer(await token({}, new TextEncoder().encode(secret), { alg: 'HS256', kid: 'k1' })))).status).toBe(401);
    expect((await h.send('/api/x', bearer(await token({}, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(200);
  });
});

describe('JWT from several trusted issuers (OpenID discovery or a JWKS each)', () => {
  it('checks each token against its own issuer: keys, audience and pinned algorithms', async () => {
    const h = authHarness(
      {
        enable_jwt: true,
        jwt_issuers: [
          { issuer: 'https://one.test', signing_methods: ['ES256'], audiences: ['orders'] },
          { issuer: 'https://two.test', jwks_uri: 'https://two.test/keys', signing_methods: ['rsa'] },
        ],
      },
      {
        documents: (url) => {
          if (url === 'https://one.test/.well-known/openid-configuration') return { issuer: 'https://one.test', jwks_uri: 'https://one.test/jwks' };
          if (url === 'https://one.test/jwks') return { keys: [esJwk] };
          if (url === 'https://two.test/keys') return { keys: [{ ...(rsaJwk as JWK), kid: 'r1' }] };
          throw new Error(`unexpected ${url}`);
        },
      },
    );
    const one = (claims: JWTPayload) => token({ iss: 'https://one.test', aud: 'orders', ...claims }, es.privateKey, { alg: 'ES256', kid: 'k1' });
    expect((await h.send('/api/x', bearer(await one({})))).status).toBe(200);
    expect((await h.send('/api/x', bearer(await one({ aud: 'billing' })))).status).toBe(401);
    expect((await h.send('/api/x', bearer(await token({ iss: 'https://two.test' }, rsa.privateKey, { alg: 'RS256', kid: 'r1' })))).status).toBe(200);
    // A token claiming issuer two but signed with issuer one's key.
    expect((await h.send('/api/x', bearer(await token({ iss: 'https://two.test' }, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(401);
    // An issuer nobody trusts.
    expect((await h.send('/api/x', bearer(await token({ iss: 'https://evil.test', aud: 'orders' }, es.privateKey, { alg: 'ES256', kid: 'k1' })))).status).toBe(
      401,
    );
  });
});

let rsaJwk: JWK;
beforeAll(async () => {
  rsaJwk = await exportJWK(rsa.publicKey);
});
