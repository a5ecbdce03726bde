import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { Bus, createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

const unauthorised = { error: 'auth_required', message: 'Authorization is required' };
const b64 = (text: string) => Buffer.from(text).toString('base64');
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const AUDIENCE = 'https://api.portcullis.test';

/** oidc-provider's default store evicts entries; a plain Map keeps them for the run. */
class MapAdapter {
  static store = new Map<string, Record<string, unknown>>();
  constructor(private readonly model: string) {}
  private key(id: string) {
    return `${this.model}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>) {
    MapAdapter.store.set(this.key(id), payload);
  }
  async find(id: string) {
    return MapAdapter.store.get(this.key(id));
  }
  async findByUid(uid: string) {
    for (const payload of MapAdapter.store.values()) if (payload.uid === uid) return payload;
    return undefined;
  }
  async findByUserCode(userCode: string) {
    for (const payload of MapAdapter.store.values()) if (payload.userCode === userCode) return payload;
    return undefined;
  }
  async consume(id: string) {
    const payload = MapAdapter.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string) {
    MapAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string) {
    for (const [key, payload] of MapAdapter.store) if (payload.grantId === grantId) MapAdapter.store.delete(key);
  }
}

/**
 * Every auth mode end to end: registry, auth service and a gateway as processes on the machine's
 * NATS and PostgreSQL, credentials issued through the admin APIs, requests entering through HTTP;
 * and oidc-provider as an external OpenID provider the gateway trusts through discovery and JWKS.
 */
describeWithServices('gateway authentication: every mode through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const jwtSecret = randomBytes(32).toString('hex');
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let oidcServer: Server;
  let issuer: string;
  let transport: BusTransport;
  let bus: Bus;

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function get(path: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${gateway.url}${path}`, { headers });
    const text = await response.text();
    return { status: response.status, challenge: response.headers.get('www-authenticate'), body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_gateway_auth');
    upstream = await startUpstream();

    // The external OpenID provider: client_credentials, RFC 9068 JWT access tokens (ES256) with a pol claim.
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const provider = new Provider(issuer, {
      adapter: MapAdapter as never,
      clients: [
        {
          client_id: 'ext-app',
          client_secret: 'ext-app-secret-0123456789',
          grant_types: ['client_credentials'],
          redirect_uris: [],
          response_types: [],
          id_token_signed_response_alg: 'ES256',
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'ext-1', alg: 'ES256', use: 'sig' }] as never },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({ scope: 'read', audience: AUDIENCE, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
        },
      },
      extraTokenClaims: () => ({ pol: ['auth-e2e'] }),
    });
    const serve = provider.callback();
    // koa's handler answers its own errors; nothing awaits it.
    oidcServer = createServer((req, res) => void serve(req, res));
    await new Promise<void>((resolve) => oidcServer.listen(port, '127.0.0.1', resolve));

    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });

    transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], name: 'e2e-gateway-auth', subjectPrefix: runSubjectPrefix });
    await transport.client.connect();
    bus = new Bus(transport);

    const apis = {
      'auth-keys': {},
      'auth-basic': { use_basic_auth: true },
      'auth-hmac': { enable_signature_checking: true },
      'auth-jwt': { enable_jwt: true, jwt_signing_method: 'hmac', jwt_source: b64(jwtSecret), jwt_policy_field_name: 'pol' },
      'auth-oidc': {
        enable_jwt: true,
        jwt_issuers: [{ issuer, signing_methods: ['ecdsa'], audiences: [AUDIENCE] }],
        jwt_identity_base_field: 'client_id',
        jwt_policy_field_name: 'pol',
      },
      'auth-oauth': { use_oauth2: true, oauth_meta: { allowed_access_types: ['client_credentials'] } },
      'auth-oauth1': { use_oauth1: true },
    };
    const policy = { id: 'auth-e2e', name: 'auth e2e', access_rights: Object.fromEntries(Object.keys(apis).map((id) => [id, { api_id: id }])) };
    expect((await call('POST', '/tyk/policies', policy)).status).toBe(200);
    for (const [api_id, fields] of Object.entries(apis)) {
      const created = await call('POST', '/tyk/apis', {
        api_id,
        name: api_id,
        use_keyless: false,
        proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
        ...fields,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
    }
    for (const api_id of Object.keys(apis)) {
      await waitFor(async () => (await get(`/${api_id}/x`)).status === 401, { timeoutMs: 10_000, message: `${api_id} to be served` });
    }
  }, 120_000);

  afterAll(async () => {
    await transport?.client.close();
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await new Promise((resolve) => oidcServer?.close(resolve));
    await upstream?.close();
    await database?.drop();
  });

  it('API keys (the default mode): a key from /tyk/keys passes, wrong and missing get one 401 body, a deleted key stops at once', async () => {
    const { key } = (await call('POST', '/tyk/keys', { apply_policies: ['auth-e2e'] })).body;
    const ok = await get('/auth-keys/hello?x=1', { Authorization: key });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ path: '/hello', query: { x: '1' } });
    expect((await get('/auth-keys/hello', { Authorization: `Bearer ${key}` })).status).toBe(200);

    const missing = await get('/auth-keys/hello');
    const wrong = await get('/auth-keys/hello', { Authorization: `${key}x` });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(missing.body).toEqual(unauthorised);
    expect(wrong.body).toEqual(unauthorised);
    expect(missing.challenge).toBe('Bearer realm="auth-keys"');
    expect(wrong.challenge).toBe('Bearer realm="auth-keys", error="invalid_token"');

    // auth.key.changed reaches the gateway: the cached session is dropped.
    expect((await call('DELETE', `/tyk/keys/${key}`)).status).toBe(200);
    await waitFor(async () => (await get('/auth-keys/hello', { Authorization: key })).status === 401, {
      timeoutMs: 5_000,
      message: 'the deleted key to be refused',
    });
  });

  it('API keys: an expired key is a 403, a key without rights to the API a 403', async () => {
    const expired = (await call('POST', '/tyk/keys', { apply_policies: ['auth-e2e'], expires: Math.floor(Date.now() / 1000) - 60 })).body.key;
    expect(await get('/auth-keys/x', { Authorization: expired })).toMatchObject({ status: 403, body: { error: 'credential_expired' } });
    const noRights = (await call('POST', '/tyk/keys', { access_rights: { 'auth-basic': { api_id: 'auth-basic' } } })).body.key;
    expect((await get('/auth-keys/x', { Authorization: noRights })).status).toBe(403);
  });

  it('basic auth: the right password passes (repeatedly), a wrong one gets the Basic challenge', async () => {
    const username = `user-${randomBytes(4).toString('hex')}`;
    expect((await call('POST', `/tyk/keys/${username}`, { apply_policies: ['auth-e2e'], basic_auth_data: { password: 'correct horse' } })).status).toBe(200);
    const basic = (password: string) => ({ Authorization: `Basic ${b64(`${username}:${password}`)}` });
    for (let i = 0; i < 3; i++) expect((await get('/auth-basic/x', basic('correct horse'))).status).toBe(200);
    const wrong = await get('/auth-basic/x', basic('battery staple'));
    expect(wrong).toMatchObject({ status: 401, challenge: 'Basic realm="auth-basic"', body: unauthorised });
  });

  it("HMAC signatures: a request signed with the key's secret passes; a forged or stale one does not", async () => {
    const { key, hmac_string: secret } = (await call('POST', '/tyk/keys', { apply_policies: ['auth-e2e'], hmac_enabled: true })).body;
    const signed = (secretUsed: string, date = new Date().toUTCString(), path = '/auth-hmac/x') => {
      const signature = createHmac('sha256', secretUsed).update(`(request-target): get ${path}\ndate: ${date}`).digest('base64');
      return {
        Date: date,
        Authorization: `Signature keyId="${key}",algorithm="hmac-sha256",headers="(request-target) date",signature="${encodeURIComponent(signature)}"`,
      };
    };
    expect((await get('/auth-hmac/x', signed(secret))).status).toBe(200);
    expect(await get('/auth-hmac/x', signed('forged'))).toMatchObject({ status: 401, challenge: 'Signature realm="auth-hmac"', body: unauthorised });
    expect((await get('/auth-hmac/x', signed(secret, new Date(Date.now() - 600_000).toUTCString()))).status).toBe(401);
  });

  it('JWT (inline HMAC secret): valid passes with policies from pol; expired, alg none and RS-signed tokens do not', async () => {
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT({ sub: 'jwt-user', pol: ['auth-e2e'], exp: Math.floor(Date.now() / 1000) + 300, ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuedAt()
        .sign(new TextEncoder().encode(jwtSecret));
    expect((await get('/auth-jwt/x', { Authorization: `Bearer ${await sign({})}` })).status).toBe(200);
    expect((await get('/auth-jwt/x', { Authorization: `Bearer ${await sign({ pol: ['nothing'] })}` })).status).toBe(403);
    expect((await get('/auth-jwt/x', { Authorization: `Bearer ${await sign({ exp: Math.floor(Date.now() / 1000) - 60 })}` })).status).toBe(401);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'x', pol: ['auth-e2e'], exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url')}.`;
    expect((await get('/auth-jwt/x', { Authorization: `Bearer ${none}` })).status).toBe(401);
    const rsa = await generateKeyPair('RS256');
    const rs = await new SignJWT({ sub: 'x', pol: ['auth-e2e'] }).setProtectedHeader({ alg: 'RS256' }).setExpirationTime('5m').sign(rsa.privateKey);
    expect((await get('/auth-jwt/x', { Authorization: `Bearer ${rs}` })).status).toBe(401);
  });

  it('JWT from oidc-provider: trusted through its discovery and JWKS, identity from client_id, policies from pol', async () => {
    const response = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { ...form, authorization: `Basic ${b64('ext-app:ext-app-secret-0123456789')}` },
      body: `grant_type=client_credentials&scope=read&resource=${encodeURIComponent(AUDIENCE)}`,
    });
    const tokens = (await response.json()) as { access_token: string };
    expect(response.status, JSON.stringify(tokens)).toBe(200);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    const ok = await get('/auth-oidc/x', { Authorization: `Bearer ${tokens.access_token}` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    // Our own HS-signed token naming that issuer is not trusted: its keys are the provider's.
    const forged = await new SignJWT({ client_id: 'ext-app', pol: ['auth-e2e'], aud: AUDIENCE })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('guess'));
    expect((await get('/auth-oidc/x', { Authorization: `Bearer ${forged}` })).status).toBe(401);
  });

  it('OAuth 2.0: a token of our auth service passes; revoking it stops it at once', async () => {
    const client = (await call('POST', '/tyk/oauth/clients/create', { api_id: 'auth-oauth', policy_id: 'auth-e2e', redirect_uri: 'http://app.test/cb' })).body;
    const issued = await fetch(`${gateway.url}/auth-oauth/oauth/token`, {
      method: 'POST',
      headers: { ...form, authorization: `Basic ${b64(`${client.client_id}:${client.secret}`)}` },
      body: 'grant_type=client_credentials',
    });
    const { access_token } = (await issued.json()) as { access_token: string };
    expect(issued.status).toBe(200);
    expect((await get('/auth-oauth/x', { Authorization: `Bearer ${access_token}` })).status).toBe(200);
    const revoked = await fetch(`${gateway.url}/tyk/oauth/revoke`, {
      method: 'POST',
      headers: { ...form, 'x-tyk-authorization': adminSecret },
      body: `token=${access_token}&token_type_hint=access_token&client_id=${client.client_id}&client_secret=${client.secret}`,
    });
    expect(revoked.status).toBe(200);
    await waitFor(async () => (await get('/auth-oauth/x', { Authorization: `Bearer ${access_token}` })).status === 401, {
      timeoutMs: 5_000,
      message: 'the revoked token to be refused',
    });
  });

  it('OAuth 1.0a: a request signed with consumer and token secrets passes once; its replay does not', async () => {
    const consumer = await bus.request(subjects.authOAuth1ConsumersCreate, { name: 'e2e consumer' });
    const token = await bus.request(subjects.authOAuth1TokensCreate, { consumer_key: consumer.consumer_key, session: { apply_policies: ['auth-e2e'] } });
    const enc = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    const host = new URL(gateway.url).host;
    const params: Record<string, string> = {
      oauth_consumer_key: consumer.consumer_key,
      oauth_token: token.token,
      oauth_signature_method: 'HMAC-SHA256',
      oauth_timestamp: String(Math.floor(Date.now() / 1000)),
      oauth_nonce: randomBytes(8).toString('hex'),
      oauth_version: '1.0',
    };
    const all = [...Object.entries(params), ['q', 'a b']].map(([k, v]) => `${enc(k!)}=${enc(v!)}`).sort();
    const base = `GET&${enc(`http://${host}/auth-oauth1/x`)}&${enc(all.join('&'))}`;
    const signature = createHmac('sha256', `${enc(consumer.consumer_secret!)}&${enc(token.token_secret!)}`)
      .update(base)
      .digest('base64');
    const header = `OAuth ${Object.entries({ ...params, oauth_signature: signature })
      .map(([k, v]) => `${k}="${enc(v)}"`)
      .join(', ')}`;
    expect((await get('/auth-oauth1/x?q=a%20b', { Authorization: header })).status).toBe(200);
    expect(await get('/auth-oauth1/x?q=a%20b', { Authorization: header })).toMatchObject({ status: 401, body: unauthorised });
  });
});
