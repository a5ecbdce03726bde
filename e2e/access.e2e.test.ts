import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

const unauthorised = { error: 'auth_required', message: 'Authorization is required' };
// Tyk's mw_ip_whitelist.go / mw_ip_blacklist.go: 403 "access from this IP has been disallowed".
const ipRefused = { error: 'ip_not_allowed', message: 'Access from this IP has been disallowed' };
const b64 = (text: string) => Buffer.from(text).toString('base64');

/**
 * What decides access besides the credential itself, through real processes: several auth modes
 * chained (all must pass, the base identity's policy applies), and IP allow and block lists, with
 * one gateway that trusts the local proxy (TRUSTED_PROXIES) and one that trusts none (the default).
 * Every request comes from 127.0.0.1; a "proxy" is that same address sending X-Forwarded-For.
 */
describeWithServices('access: multi-auth chaining and IP lists through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const jwtSecret = randomBytes(32).toString('hex');
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let trusting: StartedService;
  let untrusting: StartedService;
  let upstream: Upstream;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${untrusting.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function get(gateway: StartedService, path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.url}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  const jwt = (pol: string) =>
    new SignJWT({ sub: `user-${randomBytes(4).toString('hex')}`, pol: [pol], exp: Math.floor(Date.now() / 1000) + 300 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(jwtSecret));

  const apis: Record<string, Record<string, unknown>> = {
    // Tyk's own multi-auth layout: the key and the token each in a header of its own.
    'multi-key-jwt': {
      use_keyless: false,
      use_standard_auth: true,
      enable_jwt: true,
      jwt_signing_method: 'hmac',
      jwt_source: b64(jwtSecret),
      jwt_policy_field_name: 'pol',
      auth_configs: { authToken: { auth_header_name: 'X-Api-Key' }, jwt: { auth_header_name: 'X-Jwt' } },
      base_identity_provided_by: 'auth_token',
    },
    'multi-jwt-base': {
      use_keyless: false,
      use_standard_auth: true,
      enable_jwt: true,
      jwt_signing_method: 'hmac',
      jwt_source: b64(jwtSecret),
      jwt_policy_field_name: 'pol',
      auth_configs: { authToken: { auth_header_name: 'X-Api-Key' }, jwt: { auth_header_name: 'X-Jwt' } },
      base_identity_provided_by: 'jwt_claim',
    },
    'multi-basic-key': {
      use_keyless: false,
      use_basic_auth: true,
      use_standard_auth: true,
      auth_configs: { authToken: { auth_header_name: 'X-Api-Key' } },
      base_identity_provided_by: 'basic_auth_user',
    },
    'ip-allow-v4': { use_keyless: true, enable_ip_whitelisting: true, allowed_ips: ['127.0.0.1'] },
    'ip-allow-v6': { use_keyless: true, enable_ip_whitelisting: true, allowed_ips: ['::1'] },
    'ip-allow-net': { use_keyless: true, enable_ip_whitelisting: true, allowed_ips: ['203.0.113.0/24', '2001:db8::/32'] },
    'ip-block': { use_keyless: true, enable_ip_blacklisting: true, blacklisted_ips: ['127.0.0.0/8', '::1'] },
    'ip-block-proxied': { use_keyless: true, enable_ip_blacklisting: true, blacklisted_ips: ['203.0.113.7'] },
    'ip-allow-keyed': { use_keyless: false, enable_ip_whitelisting: true, allowed_ips: ['::1'] },
  };

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_access');
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    [trusting, untrusting] = await Promise.all([
      startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url, TRUSTED_PROXIES: '127.0.0.1,::1' } }),
      startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } }),
    ]);
    for (const gateway of [trusting, untrusting]) {
      await gatewayReady(gateway);
    }
    const rights = Object.fromEntries(Object.keys(apis).map((id) => [id, { api_id: id }]));
    // The key's policy allows two requests a minute; the token's a thousand.
    expect((await call('POST', '/tyk/policies', { id: 'access-narrow', name: 'narrow', rate: 2, per: 60, access_rights: rights })).status).toBe(200);
    expect((await call('POST', '/tyk/policies', { id: 'access-wide', name: 'wide', rate: 1000, per: 60, access_rights: rights })).status).toBe(200);
    for (const [api_id, fields] of Object.entries(apis)) {
      const created = await call('POST', '/tyk/apis', {
        api_id,
        name: api_id,
        proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
        ...fields,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    for (const gateway of [trusting, untrusting]) {
      for (const api_id of Object.keys(apis)) {
        await waitFor(async () => (await get(gateway, `/${api_id}/x`)).status !== 404, { timeoutMs: 10_000, message: `${api_id} to be served` });
      }
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([trusting, untrusting, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  describe("several auth modes: all must pass, the base identity's policy applies", () => {
    it("API key + JWT: either alone gets the missing mode's 401, both pass; the key's policy (the base) limits the rate", async () => {
      const { key } = (await call('POST', '/tyk/keys', { apply_policies: ['access-narrow'] })).body;
      const token = await jwt('access-wide');
      const keyOnly = await get(untrusting, '/multi-key-jwt/x', { 'X-Api-Key': key });
      const jwtOnly = await get(untrusting, '/multi-key-jwt/x', { 'X-Jwt': token });
      expect(keyOnly).toMatchObject({ status: 401, body: unauthorised, challenge: 'Bearer realm="multi-key-jwt"' });
      expect(jwtOnly).toMatchObject({ status: 401, body: unauthorised, challenge: 'Bearer realm="multi-key-jwt"' });
      const wrongJwt = await get(untrusting, '/multi-key-jwt/x', { 'X-Api-Key': key, 'X-Jwt': `${token}x` });
      expect(wrongJwt).toMatchObject({ status: 401, challenge: 'Bearer realm="multi-key-jwt", error="invalid_token"' });

      const both = { 'X-Api-Key': key, 'X-Jwt': token };
      // The key's policy (rate 2 per 60 s, shared by the two gateways) is the one applied, not the
      // JWT's (a thousand): five requests run into it. With the JWT as the base, they do not.
      const byKey: number[] = [];
      for (let i = 0; i < 5; i++) byKey.push((await get(untrusting, '/multi-key-jwt/x', both)).status);
      expect(byKey[0]).toBe(200);
      expect(byKey).toContain(429);
      expect(await get(untrusting, '/multi-key-jwt/x', both)).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      const byJwt: number[] = [];
      for (let i = 0; i < 5; i++) byJwt.push((await get(untrusting, '/multi-jwt-base/x', both)).status);
      expect(byJwt).toEqual([200, 200, 200, 200, 200]);
    });

    it("basic + API key: either alone gets the missing mode's 401 (Basic or Bearer challenge), both pass", async () => {
      const username = `user-${randomBytes(4).toString('hex')}`;
      expect((await call('POST', `/tyk/keys/${username}`, { apply_policies: ['access-wide'], basic_auth_data: { password: 'correct horse' } })).status).toBe(
        200,
      );
      const { key } = (await call('POST', '/tyk/keys', { apply_policies: ['access-narrow'] })).body;
      const basic = { Authorization: `Basic ${b64(`${username}:correct horse`)}` };
      expect(await get(untrusting, '/multi-basic-key/x', basic)).toMatchObject({
        status: 401,
        body: unauthorised,
        challenge: 'Bearer realm="multi-basic-key"',
      });
      expect(await get(untrusting, '/multi-basic-key/x', { 'X-Api-Key': key })).toMatchObject({
        status: 401,
        body: unauthorised,
        challenge: 'Basic realm="multi-basic-key"',
      });
      expect(await get(untrusting, '/multi-basic-key/x', { Authorization: `Basic ${b64(`${username}:battery staple`)}`, 'X-Api-Key': key })).toMatchObject({
        status: 401,
        challenge: 'Basic realm="multi-basic-key"',
      });
      // The base is the basic user (policy: a thousand a minute), not the key (two a minute).
      for (let i = 0; i < 4; i++) expect((await get(untrusting, '/multi-basic-key/x', { ...basic, 'X-Api-Key': key })).status).toBe(200);
    });
  });

  describe('IP allow and block lists', () => {
    it('directly: 127.0.0.1 passes an allow list naming it, not one naming only ::1; a block list of 127.0.0.0/8 refuses it', async () => {
      for (const gateway of [trusting, untrusting]) {
        expect((await get(gateway, '/ip-allow-v4/x')).status).toBe(200);
        expect(await get(gateway, '/ip-allow-v6/x')).toMatchObject({ status: 403, body: ipRefused });
        expect(await get(gateway, '/ip-block/x')).toMatchObject({ status: 403, body: ipRefused });
      }
    });

    it('runs before authentication: a refused address gets 403, not 401, and no credential is asked for', async () => {
      const refused = await get(untrusting, '/ip-allow-keyed/x');
      expect(refused).toMatchObject({ status: 403, body: ipRefused, challenge: null });
    });

    it('behind a trusted proxy: the client is the rightmost untrusted X-Forwarded-For hop (or X-Real-IP)', async () => {
      const viaProxy = { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' };
      expect((await get(trusting, '/ip-allow-net/x', viaProxy)).status).toBe(200);
      expect((await get(trusting, '/ip-allow-net/x', { 'X-Forwarded-For': '2001:db8::7' })).status).toBe(200);
      expect((await get(trusting, '/ip-allow-net/x', { 'X-Real-IP': '203.0.113.9' })).status).toBe(200);
      // The client claimed an allowed address, but the proxy saw 198.51.100.1: refused.
      expect(await get(trusting, '/ip-allow-net/x', { 'X-Forwarded-For': '203.0.113.7, 198.51.100.1' })).toMatchObject({ status: 403, body: ipRefused });
      // The client is 203.0.113.7, not the proxy's 127.0.0.1.
      expect(await get(trusting, '/ip-allow-v4/x', viaProxy)).toMatchObject({ status: 403, body: ipRefused });
      expect(await get(trusting, '/ip-block-proxied/x', viaProxy)).toMatchObject({ status: 403, body: ipRefused });
    });

    it("behind an untrusted proxy (no TRUSTED_PROXIES): forwarding headers are ignored, the socket's address decides", async () => {
      const spoofed = { 'X-Forwarded-For': '203.0.113.7', 'X-Real-IP': '203.0.113.7' };
      expect(await get(untrusting, '/ip-allow-net/x', spoofed)).toMatchObject({ status: 403, body: ipRefused });
      expect((await get(untrusting, '/ip-allow-v4/x', spoofed)).status).toBe(200);
      expect((await get(untrusting, '/ip-block-proxied/x', spoofed)).status).toBe(200);
    });
  });
});
