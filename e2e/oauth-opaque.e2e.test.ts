import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type EchoReply, type StartedService, type Upstream } from './support/processes.js';

/**
 * Opaque OAuth 2.0 access tokens end to end: a client that asks for them gets one at an API's
 * `{listen_path}/oauth/token`, and the gateway checks it by asking the auth service over NATS
 * (`auth.tokens.introspect`), caching the answer briefly. Registry, auth and gateway run as separate
 * processes over the machine's NATS and PostgreSQL.
 */

interface Client {
  client_id: string;
  client_secret: string;
}

describeWithServices('opaque OAuth 2.0 access tokens, checked by introspection over NATS (three processes, PostgreSQL)', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  /** Opaque tokens for `opaque-api`, with the default lifetime and with two seconds. */
  let client: Client;
  let shortLived: Client;

  async function admin<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${registry.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  }

  async function tyk(method: string, path: string, body: unknown): Promise<number> {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return response.status;
  }

  async function call(path: string, token: string) {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return {
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
      body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text,
    };
  }

  /** client_credentials at the API's own token endpoint, through oauth4webapi (which checks the answer's shape). */
  async function tokenFor(who: Client, listenPath = '/opaque-api/'): Promise<oauth.TokenEndpointResponse> {
    const as: oauth.AuthorizationServer = { issuer: auth.url, token_endpoint: `${gateway.url}${listenPath}oauth/token` };
    const asClient: oauth.Client = { client_id: who.client_id };
    const response = await oauth.clientCredentialsGrantRequest(as, asClient, oauth.ClientSecretBasic(who.client_secret), {}, insecure);
    return oauth.processClientCredentialsResponse(as, asClient, response);
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_oauth_opaque');
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });

    const apis = ['opaque-api', 'opaque-other'];
    const policy = { id: 'opaque-e2e', name: 'opaque e2e', access_rights: Object.fromEntries(apis.map((id) => [id, { api_id: id }])) };
    expect(await tyk('POST', '/tyk/policies', policy)).toBe(200);
    for (const api_id of apis) {
      const definition = {
        api_id,
        name: api_id,
        use_keyless: false,
        use_oauth2: true,
        oauth_meta: { allowed_access_types: ['client_credentials'] },
        proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
      };
      expect(await tyk('POST', '/tyk/apis', definition)).toBe(200);
    }
    for (const api_id of apis) {
      await waitFor(async () => (await fetch(`${gateway.url}/${api_id}/x`)).status === 401, { timeoutMs: 10_000, message: `${api_id} to be served` });
    }

    const create = async (extra: Record<string, unknown>) => {
      const created = await admin<Client>('POST', '/admin/oauth/clients', {
        client_name: 'opaque e2e',
        grant_types: ['client_credentials'],
        api_ids: ['opaque-api'],
        policy_ids: ['opaque-e2e'],
        access_token_format: 'opaque',
        ...extra,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toMatchObject({ access_token_format: 'opaque' });
      return created.body;
    };
    client = await create({});
    shortLived = await create({ access_token_ttl: 2 });
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  it('issues an opaque token at {listen_path}/oauth/token that the API accepts, with the client as the caller', async () => {
    const tokens = await tokenFor(client);
    expect(tokens.access_token).toMatch(/^pcat_[A-Za-z0-9_-]{43}$/);
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    const answer = await call('/opaque-api/hello?x=1', tokens.access_token);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ method: 'GET', path: '/hello', query: { x: '1' } });
    // And again, from the gateway's cache this time.
    expect((await call('/opaque-api/hello', tokens.access_token)).status).toBe(200);
  });

  it('refuses a garbage token and a well-formed one never issued, as invalid_token', async () => {
    for (const garbage of ['not-a-token', `pcat_${randomBytes(32).toString('base64url')}`, 'p'.repeat(600)]) {
      const answer = await call('/opaque-api/hello', garbage);
      expect(answer.status, garbage).toBe(401);
      expect(answer.challenge).toBe('Bearer realm="opaque-api", error="invalid_token"');
      expect(answer.body).toEqual({ error: 'auth_required', message: 'Authorization is required' });
    }
  });

  it('refuses a token on an API it was not issued for (aud)', async () => {
    const { access_token: token } = await tokenFor(client);
    expect((await call('/opaque-api/hello', token)).status).toBe(200);
    const elsewhere = await call('/opaque-other/hello', token);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.challenge).toBe('Bearer realm="opaque-other", error="invalid_token"');
  });

  it('stops a revoked token within a second, although the gateway had it cached as active', async () => {
    const { access_token: token } = await tokenFor(client);
    expect((await call('/opaque-api/hello', token)).status).toBe(200);
    const revoked = await fetch(`${auth.url}/oauth/revoke`, {
      method: 'POST',
      headers: { ...form, authorization: 'Basic ' + Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64') },
      body: `token=${token}&token_type_hint=access_token`,
    });
    expect(revoked.status).toBe(200);
    await waitFor(async () => (await call('/opaque-api/hello', token)).status === 401, {
      timeoutMs: 1_000,
      intervalMs: 20,
      message: 'the revoked token to be refused',
    });
  });

  it('stops a token once it expires, although the gateway had it cached as active', async () => {
    const tokens = await tokenFor(shortLived);
    expect(tokens.expires_in).toBe(2);
    const issuedAt = Date.now();
    expect((await call('/opaque-api/hello', tokens.access_token)).status).toBe(200);
    await waitFor(async () => (await call('/opaque-api/hello', tokens.access_token)).status === 401, {
      timeoutMs: 6_000,
      intervalMs: 100,
      message: 'the expired token to be refused',
    });
    // Not refused before its time: the two seconds of its life (less a second of rounding of exp).
    expect(Date.now() - issuedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('with the auth service down: a cached token still passes, a token not yet seen gets 503, never 401', async () => {
    const { access_token: seen } = await tokenFor(client);
    const { access_token: unseen } = await tokenFor(client);
    expect((await call('/opaque-api/hello', seen)).status).toBe(200);
    const before = upstream.requests.length;
    await auth.stop();
    expect((await call('/opaque-api/hello', seen)).status).toBe(200);
    const refused = await call('/opaque-api/hello', unseen);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: 'service_unavailable' });
    // The cached token's request went upstream; the unchecked one did not.
    expect(upstream.requests.slice(before).map((request: EchoReply) => request.path)).toEqual(['/hello']);
  });
});
