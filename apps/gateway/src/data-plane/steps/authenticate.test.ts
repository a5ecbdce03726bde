import { createHash } from 'node:crypto';
import { authModeOf, authModesOf, type Session } from '@portcullis/domain';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authHarness, policy, session, unauthorisedBody } from '../../../test/fixtures/auth.js';
import { compiledConfiguration, contextFor, definition } from '../../../test/fixtures/data-plane.js';
import { authenticate } from './authenticate.js';
import { match } from './match.js';

const proxy = (listen_path: string) => ({ listen_path, target_url: 'http://127.0.0.1:9' });

describe('authenticate step', () => {
  const { config } = compiledConfiguration([
    definition({ api_id: 'open', use_keyless: true, proxy: proxy('/open') }),
    definition({ api_id: 'closed', use_keyless: false, proxy: proxy('/closed') }),
  ]);

  it('is left out of keyless chains altogether', () => {
    expect(config.apis.get('open')!.chain).not.toContain(authenticate);
    expect(config.apis.get('open')!.authentication).toBeNull();
    expect(config.apis.get('closed')!.chain).toContain(authenticate);
    expect(config.apis.get('closed')!.authentication!.mode).toBe('key');
  });

  it('answers a request without a credential 401 auth_required with a Bearer challenge, prepared at load', () => {
    const { ctx } = contextFor(config, '/closed/x');
    match.handle(ctx);
    const result = authenticate.handle(ctx);
    if (result.kind !== 'respond') throw new Error(`expected respond, got ${result.kind}`);
    expect(result.status).toBe(401);
    const headers = new Map<string, string>();
    for (let i = 0; i < result.headers.length; i += 2) headers.set(result.headers[i]!, result.headers[i + 1]!);
    expect(headers.get('www-authenticate')).toBe('Bearer realm="closed"');
    expect(headers.get('content-type')).toContain('application/json');
    expect(JSON.parse(result.body.toString())).toEqual({ error: 'auth_required', message: 'Authorization is required' });
    expect(authenticate.handle(ctx)).toBe(result);
  });

  it("requires every enabled mode, in Tyk's chain order; the base mode is the named one, else the last", () => {
    const api = (flags: Record<string, unknown>) => definition({ api_id: 'a', use_keyless: false, proxy: proxy('/a'), ...flags });
    const jwt = { enable_jwt: true, jwt_source: 'c2VjcmV0', jwt_signing_method: 'hmac' };
    expect(authModesOf(api({ use_keyless: true, use_oauth2: true }))).toEqual([]);
    expect(authModeOf(api({ use_keyless: true, use_oauth2: true }))).toBe('keyless');
    expect(authModesOf(api({}))).toEqual(['key']);
    expect(authModesOf(api({ use_oauth1: true }))).toEqual(['oauth1']);
    // api_loader.go: OAuth 2.0, basic, HMAC, JWT, then auth tokens with use_standard_auth.
    const all = api({ use_standard_auth: true, ...jwt, use_basic_auth: true, enable_signature_checking: true, use_oauth2: true });
    expect(authModesOf(all)).toEqual(['oauth2', 'basic', 'hmac', 'jwt', 'key']);
    expect(authModeOf(all)).toBe('key');
    expect(authModeOf(api({ ...jwt, use_basic_auth: true }))).toBe('jwt');
    expect(authModeOf(api({ ...jwt, use_basic_auth: true, base_identity_provided_by: 'basic_auth_user' }))).toBe('basic');
    expect(authModeOf(api({ use_standard_auth: true, ...jwt, base_identity_provided_by: 'jwt_claim' }))).toBe('jwt');

    const { config } = compiledConfiguration([
      definition({ api_id: 'both', use_keyless: false, proxy: proxy('/both'), use_standard_auth: true, ...jwt, base_identity_provided_by: 'jwt_claim' }),
    ]);
    expect(config.apis.get('both')!.authentication).toMatchObject({ mode: 'jwt', modes: ['jwt', 'key'] });
    expect(config.apis.get('both')!.chain.filter((step) => step === authenticate)).toHaveLength(1);
  });
});

describe('several auth modes chained (Tyk multi-auth)', () => {
  const NOW = Date.parse('2026-11-23T12:00:00Z') / 1000;
  const secret = 'a-shared-hs256-secret-of-enough-length!';
  const gold = policy({ id: 'gold', name: 'Gold', rate: 100, per: 60, access_rights: { api: { api_id: 'api' } } });
  const silver = policy({ id: 'silver', name: 'Silver', rate: 1, per: 1, access_rights: { api: { api_id: 'api' } } });
  const hash = (key: string) => createHash('sha256').update(key).digest('hex');
  const jwtFields = { enable_jwt: true, jwt_signing_method: 'hmac', jwt_source: Buffer.from(secret).toString('base64'), jwt_policy_field_name: 'pol' } as const;
  // Tyk's own multi-auth test layout: the key and the token in headers of their own.
  const locations = { auth_configs: { authToken: { auth_header_name: 'X-Api-Key' }, jwt: { auth_header_name: 'X-Jwt' } } };
  const jwt = (claims: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'user-1', iat: NOW, exp: NOW + 300, pol: ['gold'], ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(secret));
  const keys: Record<string, Session> = {
    'good-key': session({ apply_policies: ['silver'] }),
    'expired-key': session({ apply_policies: ['silver'], expires: NOW - 60 }),
  };

  function keyAndJwt(base: string, delayLookups = false) {
    return authHarness(
      { use_standard_auth: true, ...jwtFields, ...locations, base_identity_provided_by: base as never },
      {
        policies: [gold, silver],
        lookup: async ({ kind, id }) => {
          if (delayLookups) await new Promise((resolve) => setTimeout(resolve, 5));
          const found = kind === 'key' ? keys[id] : undefined;
          return found === undefined ? { found: false } : { found: true, key_hash: hash(id), session: found };
        },
      },
    );
  }

  it("API key + JWT: either alone is refused with the missing mode's 401; both pass", async () => {
    const h = keyAndJwt('auth_token');
    const token = await jwt();
    const keyOnly = await h.send('/api/x', { 'X-Api-Key': 'good-key' });
    const jwtOnly = await h.send('/api/x', { 'X-Jwt': token });
    expect([keyOnly.status, jwtOnly.status]).toEqual([401, 401]);
    expect(JSON.parse(keyOnly.body)).toEqual(unauthorisedBody);
    expect(keyOnly.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect([keyOnly.refusal, jwtOnly.refusal]).toEqual(['missing', 'missing']);
    // The key passed but is not the request's identity until every mode has passed: none is recorded.
    expect(jwtOnly.identity).toBeNull();
    const both = await h.send('/api/x', { 'X-Api-Key': 'good-key', 'X-Jwt': token });
    expect(both.status).toBe(200);
  });

  it("a wrong credential in either mode answers that mode's refusal", async () => {
    const h = keyAndJwt('auth_token');
    const token = await jwt();
    const wrongKey = await h.send('/api/x', { 'X-Api-Key': 'nope', 'X-Jwt': token });
    const wrongJwt = await h.send('/api/x', { 'X-Api-Key': 'good-key', 'X-Jwt': `${token}x` });
    for (const response of [wrongKey, wrongJwt]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api", error="invalid_token"');
      expect(response.refusal).toBe('invalid');
    }
  });

  it('base_identity_provided_by picks whose identity (policy, limits, analytics) the request carries', async () => {
    const token = await jwt();
    const headers = { 'X-Api-Key': 'good-key', 'X-Jwt': token };
    const byKey = await keyAndJwt('auth_token').send('/api/x', headers);
    expect(byKey.identity).toMatchObject({ mode: 'key', id: hash('good-key') });
    expect(byKey.identity!.rights).toMatchObject({ rate: 1, per: 1, policyIds: ['silver'] });
    const byJwt = await keyAndJwt('jwt_claim').send('/api/x', headers);
    expect(byJwt.identity).toMatchObject({ mode: 'jwt' });
    expect(byJwt.identity!.rights).toMatchObject({ rate: 100, per: 60, policyIds: ['gold'] });
    // Unset: as in Tyk, every mode sets the session and the last in the chain (the key) wins.
    const unset = await keyAndJwt('').send('/api/x', headers);
    expect(unset.identity).toMatchObject({ mode: 'key' });
  });

  it('modes that wait on a lookup resume the chain for the remaining modes, also when the base mode waited', async () => {
    // Key last in the chain and looked up asynchronously: the JWT is checked first, then the lookup.
    const h = keyAndJwt('jwt_claim', true);
    const token = await jwt();
    const both = await h.send('/api/x', { 'X-Api-Key': 'good-key', 'X-Jwt': token });
    expect(both.status).toBe(200);
    expect(both.identity).toMatchObject({ mode: 'jwt' });
    const wrongKey = await h.send('/api/x', { 'X-Api-Key': 'wrong', 'X-Jwt': token });
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.identity).toMatchObject({ mode: 'jwt' });

    const basicAndKey = authHarness(
      {
        use_basic_auth: true,
        use_standard_auth: true,
        auth_configs: { authToken: { auth_header_name: 'X-Api-Key' } },
        base_identity_provided_by: 'basic_auth_user',
      },
      {
        policies: [gold, silver],
        lookup: async ({ kind, id, password }) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          if (kind === 'basic' && id === 'alice' && password === 'pw')
            return { found: true, key_hash: 'hash-of-alice', session: session({ apply_policies: ['gold'] }) };
          if (kind === 'key' && id === 'good-key') return { found: true, key_hash: hash(id), session: keys[id]! };
          return { found: false };
        },
      },
    );
    const basic = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    // The first mode waits on its lookup (nothing cached yet); the mode after it must still run.
    const firstNoKey = await basicAndKey.send('/api/x', { Authorization: basic });
    expect(firstNoKey.status).toBe(401);
    expect(basicAndKey.calls.lookup).toHaveLength(1);
    const ok = await basicAndKey.send('/api/x', { Authorization: basic, 'X-Api-Key': 'good-key' });
    expect(ok.status).toBe(200);
    expect(ok.identity).toMatchObject({ mode: 'basic', id: 'hash-of-alice' });
    const noKey = await basicAndKey.send('/api/x', { Authorization: basic });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    const noBasic = await basicAndKey.send('/api/x', { 'X-Api-Key': 'good-key' });
    expect(noBasic.headers.get('www-authenticate')).toBe('Basic realm="api"');
  });

  it('a credential of another mode that has expired refuses the request (stricter than Tyk)', async () => {
    const h = keyAndJwt('jwt_claim');
    const expired = await h.send('/api/x', { 'X-Api-Key': 'expired-key', 'X-Jwt': await jwt() });
    expect(expired.status).toBe(403);
    expect(JSON.parse(expired.body)).toMatchObject({ error: 'credential_expired' });
    expect(expired.refusal).toBe('forbidden');
  });
});
