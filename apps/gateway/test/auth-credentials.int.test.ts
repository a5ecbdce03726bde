import { createBusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { createHash } from 'node:crypto';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createGatewayApp, loadGatewayConfig } from '../src/index.js';
import { startEchoUpstream, type EchoUpstream } from './fixtures/echo-upstream.js';
import { startStandInAuth, type StandInAuth } from './fixtures/stand-in-auth.js';
import { startStandInRegistry, type StandInRegistry } from './fixtures/stand-in-registry.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const rights = {
  access_rights: {
    keyed: { api_id: 'keyed', api_name: 'keyed', versions: [], allowed_urls: [] },
    tokens: { api_id: 'tokens', api_name: 'tokens', versions: [], allowed_urls: [] },
  },
};
const found = (key: string) => ({
  found: true,
  key_hash: sha256(key),
  session: {
    rate: 0,
    per: 0,
    quota_max: -1,
    quota_renewal_rate: -1,
    tags: [],
    apply_policies: [],
    expires: 0,
    is_inactive: false,
    org_id: '',
    meta_data: {},
    hmac_enabled: false,
    ...rights,
  },
});

/** Retries `check` until it stops throwing, within `timeout` ms (each file keeps the bound it asserts). */
const eventually = <T>(check: () => Promise<T>, timeout = 3_000): Promise<T> => vi.waitFor(check, { timeout, interval: 20 });

/**
 * The gateway's credentials over real NATS, against stand-in registry and auth services: lookups
 * coalesced and cached, auth.key.changed / auth.token.revoked / auth.keys.rotated acted on at once,
 * and an auth service that does not answer (503 for what is not cached, cached keys still served).
 */
describeWithServices('gateway credentials on real NATS', () => {
  let upstream: EchoUpstream;
  let registry: StandInRegistry;
  let auth: StandInAuth;
  let gateway: RunningService;
  let signing: { privateKey: CryptoKey; kid: string };

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const response = await request(`${gateway.url}${path}`, { headers });
    return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
  };

  async function newSigningKey(kid: string) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    auth.state.jwks = { keys: [...auth.state.jwks.keys, { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' }] };
    signing = { privateKey: pair.privateKey, kid };
  }

  const accessToken = (jti: string) =>
    new SignJWT({ client_id: 'app', jti, pol: [], aud: 'tokens' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: signing.kid })
      .setSubject('app')
      .setIssuer('http://auth.test')
      .setExpirationTime('5m')
      .sign(signing.privateKey);

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    registry = await startStandInRegistry(testServices.natsUrl, testServices.subjectPrefix);
    auth = await startStandInAuth(testServices.natsUrl, testServices.subjectPrefix);
    await registry.state.put({ api_id: 'keyed', name: 'keyed', use_keyless: false, proxy: { listen_path: '/keyed', target_url: upstream.url } });
    await registry.state.put({
      api_id: 'tokens',
      name: 'tokens',
      use_keyless: false,
      use_oauth2: true,
      proxy: { listen_path: '/tokens', target_url: upstream.url },
    });
    const config = loadGatewayConfig({
      GATEWAY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: 'gateway-auth-int-secret',
      LOG_LEVEL: 'silent',
      CREDENTIAL_LOOKUP_TIMEOUT_MS: '500',
    });
    gateway = await createGatewayApp(config, {
      transport: createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: 'gateway-auth-int' }),
    });
    await eventually(async () => expect((await request(`${gateway.url}/ready`)).statusCode).toBe(200), 5_000);
    await newSigningKey('k1');
  });

  afterAll(async () => {
    await gateway?.close();
    await auth?.close().catch(() => undefined);
    await registry?.close().catch(() => undefined);
    await upstream?.close();
  });

  it('asks the auth service once for 20 concurrent requests with a new key, then serves it from cache', async () => {
    auth.state.answer = (lookup) => (lookup.kind === 'key' && lookup.id === 'key-a' ? found('key-a') : { found: false });
    let open: () => void = () => undefined;
    auth.state.gate = new Promise((resolve) => (open = resolve));
    const pending = Array.from({ length: 20 }, () => get('/keyed/x', { Authorization: 'key-a' }));
    await eventually(async () => expect(auth.state.lookups.length).toBe(1));
    open();
    auth.state.gate = null;
    expect((await Promise.all(pending)).map((r) => r.status)).toEqual(Array(20).fill(200));
    expect((await get('/keyed/y', { Authorization: 'key-a' })).status).toBe(200);
    expect(auth.state.lookups.filter((l) => l.id === 'key-a')).toHaveLength(1);
  });

  it('drops a cached key when auth.key.changed names its hash', async () => {
    auth.state.answer = (lookup) => (lookup.id === 'key-b' ? found('key-b') : { found: false });
    expect((await get('/keyed/x', { Authorization: 'key-b' })).status).toBe(200);
    auth.state.answer = () => ({ found: false });
    await auth.publish(subjects.authKeyChanged, { key_hash: sha256('key-b'), change: 'deleted' });
    await eventually(async () => expect((await get('/keyed/x', { Authorization: 'key-b' })).status).toBe(401));
  });

  it('refuses a revoked token at once (auth.token.revoked), and takes up a rotated key (auth.keys.rotated)', async () => {
    // The stand-in registry holds no policies, so a verified token names none and authorise answers
    // 403 access_denied: authenticated, not allowed. A refused token is a 401 instead.
    const verified = { status: 403, body: { error: 'access_denied' } };
    const token = await accessToken('jti-1');
    expect(await get('/tokens/x', { Authorization: `Bearer ${token}` })).toMatchObject(verified);
    await auth.publish(subjects.authTokenRevoked, { jti: 'jti-1', exp: Math.floor(Date.now() / 1000) + 300 });
    await eventually(async () => expect((await get('/tokens/x', { Authorization: `Bearer ${token}` })).status).toBe(401));

    const before = auth.state.jwksRequests;
    await newSigningKey('k2');
    await auth.publish(subjects.authKeysRotated, { kid: 'k2' });
    await eventually(async () => expect(auth.state.jwksRequests).toBe(before + 1));
    expect(await get('/tokens/x', { Authorization: `Bearer ${await accessToken('jti-2')}` })).toMatchObject(verified);
  });

  it('answers 503 for an uncached key while the auth service is gone, and keeps serving cached ones', async () => {
    auth.state.answer = (lookup) => (lookup.id === 'key-c' ? found('key-c') : { found: false });
    expect((await get('/keyed/x', { Authorization: 'key-c' })).status).toBe(200);
    await auth.close();
    expect(await get('/keyed/x', { Authorization: 'never-seen' })).toMatchObject({ status: 503, body: { error: 'service_unavailable' } });
    expect((await get('/keyed/x', { Authorization: 'key-c' })).status).toBe(200);
  });
});
