import { createRemoteJWKSet, jwtVerify } from 'jose';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

/**
 * The gateway as the OAuth front door, Tyk's way: registry, auth and gateway as separate processes
 * over the machine's NATS and PostgreSQL, everything driven over HTTP as the curl flow does.
 */

/** What the token endpoint answers (RFC 6749 §5.1). */
interface Tokens {
  access_token: string;
  refresh_token?: string;
}

/** A client as /tyk/oauth/clients/create answers it, the secret shown once. */
interface CreatedClient {
  client_id: string;
  secret: string;
}

interface Notification {
  headers: IncomingHttpHeaders;
  body: Record<string, string>;
}

async function startReceiver(): Promise<{ url: string; received: Notification[]; close(): Promise<void> }> {
  const received: Notification[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth-hook`,
    received,
    close: () => new Promise((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

describeWithServices('the gateway as the OAuth front door (Tyk flow), three processes over NATS and PostgreSQL', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const hookSecret = randomBytes(12).toString('hex');
  const tykJson = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  /** The client made by the curl call. */
  let client: { client_id: string; secret: string };

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_oauth_e2e');
    [upstream, receiver] = await Promise.all([startUpstream(), startReceiver()]);
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });

    for (const api of [
      {
        api_id: 'openApi',
        name: 'Open API',
        use_keyless: false,
        use_oauth2: true,
        oauth_meta: { allowed_access_types: ['authorization_code', 'refresh_token', 'client_credentials'], allowed_authorize_types: ['code'] },
        notifications: { oauth_on_keychange_url: receiver.url, shared_secret: hookSecret },
        proxy: { listen_path: '/hub/v2/', target_url: upstream.url, strip_listen_path: true },
      },
      { api_id: 'otherApi', name: 'Other', use_keyless: false, use_oauth2: true, proxy: { listen_path: '/other/', target_url: upstream.url } },
    ]) {
      const created = await fetch(`${gateway.url}/tyk/apis`, { method: 'POST', headers: tykJson, body: JSON.stringify(api) });
      expect(created.status).toBe(200);
    }
    // The policies the clients below name (the auth service refuses a client naming one that does not exist).
    for (const [id, apiId] of [
      ['openApi', 'openApi'],
      ['other', 'otherApi'],
    ] as const) {
      const created = await fetch(`${gateway.url}/tyk/policies`, {
        method: 'POST',
        headers: tykJson,
        body: JSON.stringify({ id, name: id, access_rights: { [apiId]: { api_id: apiId } } }),
      });
      expect(created.status).toBe(200);
    }
    for (const path of ['/hub/v2', '/other']) {
      await waitFor(async () => (await fetch(`${gateway.url}${path}/oauth/authorize`, { redirect: 'manual' })).status === 302, {
        timeoutMs: 5_000,
        message: `${path} to be served`,
      });
    }
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await Promise.allSettled([upstream?.close(), receiver?.close()]);
    await database?.drop();
  });

  const jwks = () => createRemoteJWKSet(new URL(`${auth.url}/.well-known/jwks.json`));
  const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
  const tokenAt = (path: string, body: string, headers: Record<string, string> = form) => fetch(`${gateway.url}${path}`, { method: 'POST', headers, body });

  async function createClient(body: Record<string, unknown>): Promise<Response> {
    return fetch(`${gateway.url}/tyk/oauth/clients/create`, { method: 'POST', headers: tykJson, body: JSON.stringify(body) });
  }

  describe("the issue's curl flow", () => {
    it('creates a client through /tyk/oauth/clients/create, answering as Tyk does (secret shown once)', async () => {
      const response = await createClient({ api_id: 'openApi', redirect_uri: 'http://www.test.fr', policy_id: 'openApi' });
      expect(response.status).toBe(200);
      const body = (await response.json()) as CreatedClient;
      expect(body).toEqual({
        client_id: expect.any(String),
        secret: expect.any(String),
        redirect_uri: 'http://www.test.fr',
        api_id: 'openApi',
        policy_id: 'openApi',
        description: '',
        meta: null,
        meta_data: null,
      });
      client = body;
    });

    it('issues a token at {listen_path}/oauth/token/ with the credentials in the form body', async () => {
      const response = await tokenAt('/hub/v2/oauth/token/', `client_id=${client.client_id}&client_secret=${client.secret}&grant_type=client_credentials`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const tokens = (await response.json()) as Tokens;
      expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks(), {
        issuer: auth.url,
        audience: 'openApi',
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ aud: 'openApi', pol: ['openApi'], client_id: client.client_id, sub: client.client_id });

      const notified = await waitFor(() => receiver.received.find((n) => n.body.new_oauth_token === tokens.access_token), {
        message: 'the key-change notification',
      });
      expect(notified.headers['x-tyk-shared-secret']).toBe(hookSecret);
      expect(notified.body).toEqual({
        auth_code: '',
        new_oauth_token: tokens.access_token,
        refresh_token: '',
        old_refresh_token: '',
        notification_type: 'new',
      });
    });

    it('issues a token with the credentials in HTTP Basic, without the trailing slash', async () => {
      const response = await tokenAt('/hub/v2/oauth/token', 'grant_type=client_credentials', {
        ...form,
        authorization: basic(client.client_id, client.secret),
      });
      expect(response.status).toBe(200);
      const { payload } = await jwtVerify(((await response.json()) as Tokens).access_token, jwks(), { audience: 'openApi' });
      expect(payload.pol).toEqual(['openApi']);
    });
  });

  describe('authorization code, Tyk style', () => {
    it("redirects {listen_path}/oauth/authorize to the auth service's login page with the query", async () => {
      const query = `response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent('http://www.test.fr')}&state=xyz`;
      const response = await fetch(`${gateway.url}/hub/v2/oauth/authorize/?${query}`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe(`${auth.url}/oauth/authorize?${query}`);
      // And that page is really there for this client.
      const page = await fetch(response.headers.get('location')!);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    });

    it('authorize-client gives a code that the gateway exchanges; the refresh notifies "refresh"', async () => {
      const approved = await fetch(`${gateway.url}/hub/v2/tyk/oauth/authorize-client/`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: `response_type=code&client_id=${client.client_id}&redirect_uri=${encodeURIComponent('http://www.test.fr')}&state=s1&key_rules=${encodeURIComponent('{"alias":"alice"}')}`,
      });
      expect(approved.status).toBe(200);
      const { code, redirect_to } = (await approved.json()) as { code: string; redirect_to: string };
      expect(new URL(redirect_to).searchParams.get('code')).toBe(code);
      expect(new URL(redirect_to).searchParams.get('state')).toBe('s1');

      const exchanged = await tokenAt(
        '/hub/v2/oauth/token/',
        `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('http://www.test.fr')}`,
        {
          ...form,
          authorization: basic(client.client_id, client.secret),
        },
      );
      expect(exchanged.status).toBe(200);
      const tokens = (await exchanged.json()) as Tokens;
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const { payload } = await jwtVerify(tokens.access_token, jwks(), { audience: 'openApi' });
      expect(payload.sub).toBe('alice');
      const issued = await waitFor(() => receiver.received.find((n) => n.body.auth_code === code), { message: 'the "new" notification with the code' });
      expect(issued.body).toMatchObject({ new_oauth_token: tokens.access_token, refresh_token: tokens.refresh_token, notification_type: 'new' });

      const refreshed = await tokenAt('/hub/v2/oauth/token/', `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`, {
        ...form,
        authorization: basic(client.client_id, client.secret),
      });
      expect(refreshed.status).toBe(200);
      const next = (await refreshed.json()) as Tokens;
      const refresh = await waitFor(() => receiver.received.find((n) => n.body.notification_type === 'refresh'), { message: 'the "refresh" notification' });
      expect(refresh.headers['x-tyk-shared-secret']).toBe(hookSecret);
      expect(refresh.body).toEqual({
        auth_code: '',
        new_oauth_token: next.access_token,
        refresh_token: next.refresh_token,
        old_refresh_token: tokens.refresh_token,
        notification_type: 'refresh',
      });

      // The code is spent; presenting it again also revokes what it issued (RFC 6749 §4.1.2).
      const again = await tokenAt(
        '/hub/v2/oauth/token/',
        `grant_type=authorization_code&code=${code}&redirect_uri=${encodeURIComponent('http://www.test.fr')}`,
        {
          ...form,
          authorization: basic(client.client_id, client.secret),
        },
      );
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      const revokedRefresh = await tokenAt('/hub/v2/oauth/token/', `grant_type=refresh_token&refresh_token=${next.refresh_token}`, {
        ...form,
        authorization: basic(client.client_id, client.secret),
      });
      expect(await revokedRefresh.json()).toMatchObject({ error: 'invalid_grant' });
    });
  });

  describe('client administration under /tyk/oauth/clients', () => {
    it('lists and gets the clients of an API, never with a secret', async () => {
      const listed = await fetch(`${gateway.url}/tyk/oauth/clients/openApi`, { headers: tykJson });
      expect(listed.status).toBe(200);
      const clients = (await listed.json()) as unknown[];
      expect(clients).toEqual([
        {
          client_id: client.client_id,
          redirect_uri: 'http://www.test.fr',
          api_id: 'openApi',
          policy_id: 'openApi',
          description: '',
          meta: null,
          meta_data: null,
        },
      ]);
      const got = await fetch(`${gateway.url}/tyk/oauth/clients/openApi/${client.client_id}`, { headers: tykJson });
      expect(await got.json()).toEqual(clients[0]);
      // Not through another API.
      expect((await fetch(`${gateway.url}/tyk/oauth/clients/otherApi/${client.client_id}`, { headers: tykJson })).status).toBe(404);
      expect(await (await fetch(`${gateway.url}/tyk/oauth/clients/otherApi`, { headers: tykJson })).json()).toEqual([]);
    });

    it('lists what was issued to a client, without the tokens themselves', async () => {
      const response = await fetch(`${gateway.url}/tyk/oauth/clients/openApi/${client.client_id}/tokens`, { headers: tykJson });
      expect(response.status).toBe(200);
      const tokens = (await response.json()) as unknown[];
      expect(tokens.length).toBeGreaterThanOrEqual(3);
      expect(tokens[0]).toEqual({
        jti: expect.any(String),
        client_id: client.client_id,
        sub: expect.any(String),
        scope: '',
        iat: expect.any(Number),
        exp: expect.any(Number),
        revoked: expect.any(Boolean),
      });
    });

    it('rotates the secret: the new one works, the old one no longer does', async () => {
      const rotated = await fetch(`${gateway.url}/tyk/oauth/clients/openApi/${client.client_id}/rotate`, { method: 'PUT', headers: tykJson });
      expect(rotated.status).toBe(200);
      const body = (await rotated.json()) as CreatedClient;
      expect(body).toMatchObject({ client_id: client.client_id, secret: expect.any(String), api_id: 'openApi' });
      expect(body.secret).not.toBe(client.secret);
      const old = await tokenAt('/hub/v2/oauth/token/', 'grant_type=client_credentials', { ...form, authorization: basic(client.client_id, client.secret) });
      expect(old.status).toBe(401);
      expect(old.headers.get('www-authenticate')).toMatch(/^Basic /);
      expect(await old.json()).toMatchObject({ error: 'invalid_client' });
      client = { client_id: client.client_id, secret: body.secret };
      expect(
        (await tokenAt('/hub/v2/oauth/token/', 'grant_type=client_credentials', { ...form, authorization: basic(client.client_id, client.secret) })).status,
      ).toBe(200);
    });
  });

  describe('revocation (client authentication required, unlike Tyk)', () => {
    async function freshToken(): Promise<string> {
      const response = await tokenAt('/hub/v2/oauth/token/', `client_id=${client.client_id}&client_secret=${client.secret}&grant_type=client_credentials`);
      return ((await response.json()) as Tokens).access_token;
    }

    async function active(token: string): Promise<boolean> {
      const response = await fetch(`${auth.url}/oauth/introspect`, {
        method: 'POST',
        headers: { ...form, authorization: basic(client.client_id, client.secret) },
        body: `token=${token}`,
      });
      return ((await response.json()) as { active: boolean }).active;
    }

    it('refuses to revoke without the client secret', async () => {
      const token = await freshToken();
      const response = await fetch(`${gateway.url}/tyk/oauth/revoke`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: `token=${token}&client_id=${client.client_id}`,
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ status: 'error', error: 'unauthorized' });
      expect(await active(token)).toBe(true);
    });

    it('revokes one token with the client authenticated (form body)', async () => {
      const token = await freshToken();
      const response = await fetch(`${gateway.url}/tyk/oauth/revoke`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: `token=${token}&token_type_hint=access_token&client_id=${client.client_id}&client_secret=${client.secret}`,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'ok', revoked: true });
      expect(await active(token)).toBe(false);
    });

    it('revokes everything the client holds with revoke_all', async () => {
      const token = await freshToken();
      const response = await fetch(`${gateway.url}/tyk/oauth/revoke_all`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: `client_id=${client.client_id}&client_secret=${client.secret}`,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { status: string; revoked: number };
      expect(body).toMatchObject({ status: 'ok' });
      expect(body.revoked).toBeGreaterThanOrEqual(1);
      expect(await active(token)).toBe(false);
    });
  });

  describe('bad input', () => {
    it('answers 401 without the admin secret', async () => {
      const response = await fetch(`${gateway.url}/tyk/oauth/clients/create`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"api_id":"openApi"}',
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ status: 'error', error: 'unauthorized' });
      const approve = await fetch(`${gateway.url}/hub/v2/tyk/oauth/authorize-client/`, { method: 'POST', headers: form, body: 'response_type=code' });
      expect(approve.status).toBe(401);
    });

    it('answers 400 naming api_id for a client of an unknown API, 404 for the list of its clients', async () => {
      const response = await createClient({ api_id: 'nope', redirect_uri: 'http://www.test.fr', policy_id: 'p' });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        status: 'error',
        error: 'validation_failed',
        details: [{ field: 'api_id', message: 'no API has id "nope"' }],
      });
      expect((await fetch(`${gateway.url}/tyk/oauth/clients/nope`, { headers: tykJson })).status).toBe(404);
    });

    it('answers 400 for malformed bodies, naming the fields', async () => {
      const malformed = await fetch(`${gateway.url}/tyk/oauth/clients/create`, { method: 'POST', headers: tykJson, body: '{"api_id": ' });
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({ status: 'error', error: 'malformed_json' });
      const wrongTypes = await createClient({ redirect_uri: 42 });
      expect(wrongTypes.status).toBe(400);
      expect(((await wrongTypes.json()) as { details: { field: string }[] }).details.map((d) => d.field)).toEqual(['api_id', 'redirect_uri']);
      const shortSecret = await createClient({ api_id: 'openApi', redirect_uri: 'http://www.test.fr', secret: 'short' });
      expect(shortSecret.status).toBe(400);
      expect(await shortSecret.json()).toMatchObject({ details: [expect.objectContaining({ field: 'secret' })] });
      const token = await tokenAt('/hub/v2/oauth/token/', '{"grant_type":"client_credentials"}', { 'content-type': 'application/json' });
      expect(token.status).toBe(400);
      expect(await token.json()).toMatchObject({ error: 'invalid_request' });
      const repeated = await fetch(`${gateway.url}/tyk/oauth/revoke`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: 'token=a&token=b&client_id=c&client_secret=d',
      });
      expect(repeated.status).toBe(400);
    });

    it('refuses a token for a client not allowed on this API with unauthorized_client', async () => {
      const other = (await (await createClient({ api_id: 'otherApi', policy_id: 'other' })).json()) as CreatedClient;
      expect((await tokenAt('/other/oauth/token', `client_id=${other.client_id}&client_secret=${other.secret}&grant_type=client_credentials`)).status).toBe(
        200,
      );
      const response = await tokenAt('/hub/v2/oauth/token/', `client_id=${other.client_id}&client_secret=${other.secret}&grant_type=client_credentials`);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'unauthorized_client' });
    });

    it('deletes a client: it is gone and its credentials stop working', async () => {
      const deleted = await fetch(`${gateway.url}/tyk/oauth/clients/openApi/${client.client_id}`, { method: 'DELETE', headers: tykJson });
      expect(deleted.status).toBe(200);
      expect(await deleted.json()).toEqual({ key: client.client_id, status: 'ok', action: 'deleted' });
      expect((await fetch(`${gateway.url}/tyk/oauth/clients/openApi/${client.client_id}`, { headers: tykJson })).status).toBe(404);
      const response = await tokenAt('/hub/v2/oauth/token/', `client_id=${client.client_id}&client_secret=${client.secret}&grant_type=client_credentials`);
      expect(response.status).toBe(401);
    });
  });
});
