import type { OAuthClientWithSecret, TokenSummary, UserSummary } from '@portcullis/contracts';
import { decodeProtectedHeader } from 'jose';
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, startService, type StartedService } from './support/processes.js';

/**
 * The registry's admin API for what the auth service owns, with both services running as separate
 * processes over NATS and PostgreSQL: every admin call goes registry → bus → auth, and its effect is
 * checked where it matters, at the auth service's own OAuth endpoints, driven by oauth4webapi.
 */
describeWithServices('OAuth admin API: registry → NATS → auth service', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const insecure = { [oauth.allowInsecureRequests]: true } as const;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let as: oauth.AuthorizationServer;

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_oauth_admin');
    const authPort = await freePort();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      // The issuer is the address this test reaches it at: oauth4webapi checks discovery's issuer against it.
      startService('auth', {
        adminSecret,
        database: database.name,
        port: authPort,
        readyTimeoutMs: 60_000,
        env: { AUTH_ISSUER: `http://127.0.0.1:${authPort}` },
      }),
    ]);
    as = await oauth.processDiscoveryResponse(new URL(auth.url), await oauth.discoveryRequest(new URL(auth.url), insecure));
    // What the clients below name must exist: the auth service asks the registry before storing them.
    for (const api_id of ['billing', 'orders']) {
      const created = await admin('POST', '/admin/apis', {
        json: { api_id, name: api_id, use_oauth2: true, proxy: { listen_path: `/${api_id}/`, target_url: 'http://127.0.0.1:9' } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    for (const id of ['gold', 'silver']) {
      const created = await admin('POST', '/admin/policies', {
        json: { id, name: id, access_rights: { billing: { api_id: 'billing' }, orders: { api_id: 'orders' } } },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
  });

  afterAll(async () => {
    await Promise.allSettled([auth, registry].filter(Boolean).map((service) => service.stop()));
    await database?.drop();
  });

  interface Answer<T = any> {
    status: number;
    headers: Headers;
    body: T;
  }

  /** One admin call; `secret: null` sends none. A JSON value is sent as JSON, a string as it is. */
  async function admin<T = any>(
    method: string,
    path: string,
    init: { json?: unknown; raw?: string; contentType?: string; secret?: string | null } = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    const secret = init.secret === undefined ? adminSecret : init.secret;
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    const body = init.raw ?? (init.json === undefined ? undefined : JSON.stringify(init.json));
    if (body !== undefined) headers['content-type'] = init.contentType ?? 'application/json';
    const response = await fetch(`${registry.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  async function createClient(input: Record<string, unknown>): Promise<OAuthClientWithSecret> {
    const created = await admin<OAuthClientWithSecret>('POST', '/admin/oauth/clients', { json: input });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body;
  }

  const asClient = (client: { client_id: string }): oauth.Client => ({ client_id: client.client_id });

  async function clientCredentials(clientId: string, secret: string): Promise<oauth.TokenEndpointResponse> {
    const client = asClient({ client_id: clientId });
    const response = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic(secret), {}, insecure);
    return oauth.processClientCredentialsResponse(as, client, response);
  }

  /** The RFC 6749 error a token request fails with (oauth4webapi throws on any error response). */
  async function tokenError(work: () => Promise<unknown>): Promise<string> {
    try {
      await work();
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return error.error;
      // RFC 6749 §5.2: invalid_client after Basic comes with WWW-Authenticate, which oauth4webapi raises separately.
      if (error instanceof oauth.WWWAuthenticateChallengeError) return ((await error.response.json()) as { error: string }).error;
      throw error;
    }
    throw new Error('expected the token request to fail');
  }

  /** A resource server, to ask the introspection endpoint about other clients' tokens. */
  let resourceServer: OAuthClientWithSecret;
  async function introspect(token: string): Promise<oauth.IntrospectionResponse> {
    resourceServer ??= await createClient({ client_name: 'resource server', grant_types: ['client_credentials'] });
    const response = await oauth.introspectionRequest(as, asClient(resourceServer), oauth.ClientSecretBasic(resourceServer.client_secret!), token, insecure);
    return oauth.processIntrospectionResponse(as, asClient(resourceServer), response);
  }

  describe('the admin secret', () => {
    const endpoints: [string, string][] = [
      ['POST', '/admin/oauth/clients'],
      ['GET', '/admin/oauth/clients'],
      ['GET', '/admin/oauth/clients/any'],
      ['PUT', '/admin/oauth/clients/any'],
      ['DELETE', '/admin/oauth/clients/any'],
      ['POST', '/admin/oauth/clients/any/rotate-secret'],
      ['GET', '/admin/oauth/clients/any/tokens'],
      ['POST', '/admin/oauth/users'],
      ['GET', '/admin/oauth/users'],
      ['DELETE', '/admin/oauth/users/any'],
      ['GET', '/admin/oauth/users/any'],
      ['PATCH', '/admin/oauth/users/any'],
      ['DELETE', '/admin/oauth/clients/any/lockout'],
      ['DELETE', '/admin/oauth/users/any/lockout'],
      ['POST', '/admin/oauth/initial-access-tokens'],
      ['POST', '/admin/oauth/keys/rotate'],
    ];

    it('closes every endpoint: 401 in the one error shape without it, or with a wrong one', async () => {
      for (const [method, path] of endpoints) {
        for (const secret of [null, 'wrong-secret-wrong-secret']) {
          const answer = await admin(method, path, { secret, json: method === 'POST' || method === 'PUT' ? { client_name: 'x' } : undefined });
          expect(answer.status, `${method} ${path} with ${secret ? 'a wrong' : 'no'} secret`).toBe(401);
          expect(answer.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
        }
      }
    });

    it('is checked before the body is read: malformed or oversized JSON without it is still 401', async () => {
      expect((await admin('POST', '/admin/oauth/clients', { secret: null, raw: '{"client_name":' })).status).toBe(401);
      expect((await admin('POST', '/admin/oauth/clients', { secret: 'nope', raw: JSON.stringify({ meta: { pad: 'x'.repeat(2_000_000) } }) })).status).toBe(401);
      // With it, the same bodies are the caller's mistakes.
      expect((await admin('POST', '/admin/oauth/clients', { raw: '{"client_name":' })).body.error).toBe('malformed_json');
      expect((await admin('POST', '/admin/oauth/clients', { raw: JSON.stringify({ meta: { pad: 'x'.repeat(2_000_000) } }) })).status).toBe(413);
    });
  });

  describe('clients', () => {
    it('round trip: create (with the secret), get and list (without), update, tokens, delete', async () => {
      const created = await admin<OAuthClientWithSecret>('POST', '/admin/oauth/clients', {
        json: { client_name: 'Billing batch', grant_types: ['client_credentials'], scope: 'read write', api_ids: ['billing'], policy_ids: ['gold'] },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect(created.body).toMatchObject({
        client_name: 'Billing batch',
        grant_types: ['client_credentials'],
        scope: 'read write',
        api_ids: ['billing'],
        policy_ids: ['gold'],
        token_endpoint_auth_method: 'client_secret_basic',
      });
      expect(created.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      const { client_id: clientId, client_secret: _secret, ...shown } = created.body;

      const got = await admin('GET', `/admin/oauth/clients/${clientId}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({ client_id: clientId, ...shown });
      expect(got.body).not.toHaveProperty('client_secret');

      const listed = await admin<any[]>('GET', '/admin/oauth/clients');
      expect(listed.status).toBe(200);
      expect(listed.body.find((client) => client.client_id === clientId)).toEqual({ client_id: clientId, ...shown });
      expect(listed.body.every((client) => !('client_secret' in client))).toBe(true);
      const forBilling = await admin<any[]>('GET', '/admin/oauth/clients?api_id=billing');
      expect(forBilling.body.map((client) => client.client_id)).toContain(clientId);
      expect((await admin<any[]>('GET', '/admin/oauth/clients?api_id=nobody-calls-this')).body).toEqual([]);

      const updated = await admin('PUT', `/admin/oauth/clients/${clientId}`, {
        json: { client_name: 'Billing batch v2', grant_types: ['client_credentials'], scope: 'read', api_ids: ['billing', 'orders'] },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        client_id: clientId,
        client_name: 'Billing batch v2',
        scope: 'read',
        api_ids: ['billing', 'orders'],
        policy_ids: [],
      });
      expect(updated.body).not.toHaveProperty('client_secret');
      expect((await admin('GET', `/admin/oauth/clients/${clientId}`)).body).toEqual(updated.body);

      // The secret survived the update: it still gets tokens, which the admin then sees (never the tokens themselves).
      const token = await clientCredentials(clientId, created.body.client_secret!);
      const tokens = await admin<TokenSummary[]>('GET', `/admin/oauth/clients/${clientId}/tokens`);
      expect(tokens.status).toBe(200);
      expect(tokens.body).toHaveLength(1);
      expect(tokens.body[0]).toMatchObject({ client_id: clientId, scope: 'read', revoked: false });
      expect(JSON.stringify(tokens.body)).not.toContain(token.access_token);

      const deleted = await fetch(`${registry.url}/admin/oauth/clients/${clientId}`, { method: 'DELETE', headers: { authorization: `Bearer ${adminSecret}` } });
      expect(deleted.status).toBe(204);
      expect(await deleted.text()).toBe('');
      const gone = await admin('GET', `/admin/oauth/clients/${clientId}`);
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ error: 'not_found', message: expect.stringContaining(clientId) });
    });

    it('shows the secret at creation and on rotation only; the new secret works at the token endpoint and the old one does not', async () => {
      const client = await createClient({ client_name: 'Rotating', grant_types: ['client_credentials'] });
      const first = await clientCredentials(client.client_id, client.client_secret!);
      expect(first.token_type).toBe('bearer');

      const rotated = await admin<OAuthClientWithSecret>('POST', `/admin/oauth/clients/${client.client_id}/rotate-secret`);
      expect(rotated.status).toBe(200);
      expect(rotated.headers.get('cache-control')).toBe('no-store');
      expect(rotated.body).toMatchObject({ client_id: client.client_id, client_name: 'Rotating' });
      expect(rotated.body.client_secret).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(rotated.body.client_secret).not.toBe(client.client_secret);

      expect((await clientCredentials(client.client_id, rotated.body.client_secret!)).access_token).toBeTruthy();
      expect(await tokenError(() => clientCredentials(client.client_id, client.client_secret!))).toBe('invalid_client');
      for (const path of [`/admin/oauth/clients/${client.client_id}`, '/admin/oauth/clients']) {
        expect(JSON.stringify((await admin('GET', path)).body)).not.toContain(rotated.body.client_secret!);
      }
    });

    it('deleting a client revokes its tokens: they introspect inactive, and the client gets no more', async () => {
      const client = await createClient({ client_name: 'Doomed', grant_types: ['client_credentials'] });
      const { access_token: token } = await clientCredentials(client.client_id, client.client_secret!);
      expect(await introspect(token)).toMatchObject({ active: true, client_id: client.client_id });

      expect((await admin('DELETE', `/admin/oauth/clients/${client.client_id}`)).status).toBe(204);
      expect(await introspect(token)).toEqual({ active: false });
      expect(await tokenError(() => clientCredentials(client.client_id, client.client_secret!))).toBe('invalid_client');
      expect((await admin('DELETE', `/admin/oauth/clients/${client.client_id}`)).status).toBe(404);
    });

    it("passes the auth service's validation errors through with their field names", async () => {
      const bad = await admin('POST', '/admin/oauth/clients', {
        json: { grant_types: ['implicit'], redirect_uris: ['not a uri'], token_endpoint_auth_method: 'private_key_jwt', colour: 'red' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('validation_failed');
      const fields = bad.body.details.map((detail: { field: string }) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['grant_types.0', 'redirect_uris.0', 'token_endpoint_auth_method']));
      expect(fields.some((field: string) => field === '(body)' || field === 'colour')).toBe(true);

      const publicWithSecretGrant = await admin('POST', '/admin/oauth/clients', {
        json: { token_endpoint_auth_method: 'none', grant_types: ['client_credentials'] },
      });
      expect(publicWithSecretGrant.status).toBe(400);
      expect(publicWithSecretGrant.body.details).toContainEqual({ field: 'grant_types', message: 'client_credentials needs a confidential client' });

      const client = await createClient({ client_id: 'fixed-id', grant_types: ['client_credentials'] });
      const taken = await admin('POST', '/admin/oauth/clients', { json: { client_id: 'fixed-id' } });
      expect(taken.status).toBe(409);
      expect(taken.body).toMatchObject({ error: 'conflict', details: [{ field: 'client_id' }] });
      const secretByUpdate = await admin('PUT', `/admin/oauth/clients/${client.client_id}`, { json: { client_secret: 'x'.repeat(40) } });
      expect(secretByUpdate.status).toBe(400);
      expect(secretByUpdate.body.details.map((detail: { field: string }) => detail.field)).toContain('client_secret');
      const otherId = await admin('PUT', `/admin/oauth/clients/${client.client_id}`, { json: { client_id: 'another-id' } });
      expect(otherId.body.details.map((detail: { field: string }) => detail.field)).toContain('client_id');
    });

    it('refuses what it cannot forward, before asking the auth service', async () => {
      const notObject = await admin('POST', '/admin/oauth/clients', { json: ['client_credentials'] });
      expect(notObject.status).toBe(400);
      expect(notObject.body.details).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
      expect((await admin('POST', '/admin/oauth/clients', { raw: 'client_name=x', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
      const repeated = await admin('GET', '/admin/oauth/clients?api_id=a&api_id=b');
      expect(repeated.status).toBe(400);
      expect(repeated.body.details[0].field).toBe('api_id');
    });

    it('answers 404 for an unknown client on every per-client endpoint', async () => {
      for (const [method, path, json] of [
        ['GET', '/admin/oauth/clients/no-such-client', undefined],
        ['PUT', '/admin/oauth/clients/no-such-client', { grant_types: ['client_credentials'] }],
        ['DELETE', '/admin/oauth/clients/no-such-client', undefined],
        ['POST', '/admin/oauth/clients/no-such-client/rotate-secret', undefined],
        ['GET', '/admin/oauth/clients/no-such-client/tokens', undefined],
      ] as const) {
        const answer = await admin(method, path, { json });
        expect(answer.status, `${method} ${path}`).toBe(404);
        expect(answer.body.error).toBe('not_found');
      }
    });
  });

  describe('initial access tokens', () => {
    it('one works once for RFC 7591 registration at the auth service, carrying the APIs and policies the admin chose', async () => {
      const issued = await admin('POST', '/admin/oauth/initial-access-tokens', {
        json: { uses: 1, expires_in: 600, api_ids: ['orders'], policy_ids: ['silver'] },
      });
      expect(issued.status).toBe(201);
      expect(issued.headers.get('cache-control')).toBe('no-store');
      expect(issued.body.token).toEqual(expect.any(String));
      const now = Math.floor(Date.now() / 1000);
      expect(issued.body.expires_at).toBeGreaterThan(now + 590);
      expect(issued.body.expires_at).toBeLessThanOrEqual(now + 601);

      const register = () =>
        fetch(as.registration_endpoint!, {
          method: 'POST',
          headers: { authorization: `Bearer ${issued.body.token}`, 'content-type': 'application/json' },
          // RFC 7591 §2.1: response_types defaults to code, which goes only with authorization_code.
          body: JSON.stringify({ client_name: 'Self-registered', grant_types: ['client_credentials'], response_types: [] }),
        });
      const registered = await register();
      expect(registered.status, await registered.clone().text()).toBe(201);
      const client = (await registered.json()) as { client_id: string; client_secret: string };
      expect((await admin('GET', `/admin/oauth/clients/${client.client_id}`)).body).toMatchObject({
        client_name: 'Self-registered',
        api_ids: ['orders'],
        policy_ids: ['silver'],
      });
      expect((await clientCredentials(client.client_id, client.client_secret)).access_token).toBeTruthy();

      expect((await register()).status).toBe(401);
    });

    it('takes an absent body as the defaults, and passes field errors through', async () => {
      const issued = await fetch(`${registry.url}/admin/oauth/initial-access-tokens`, { method: 'POST', headers: { authorization: `Bearer ${adminSecret}` } });
      expect(issued.status).toBe(201);
      expect(await issued.json()).toMatchObject({ token: expect.any(String), expires_at: expect.any(Number) });

      const bad = await admin('POST', '/admin/oauth/initial-access-tokens', { json: { uses: 0, expires_in: 'soon', api_ids: 'orders' } });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['api_ids', 'expires_in', 'uses']);
      expect((await admin('POST', '/admin/oauth/initial-access-tokens', { raw: 'uses=2', contentType: 'application/x-www-form-urlencoded' })).status).toBe(415);
    });
  });

  describe('users', () => {
    it('a created user signs in with the password grant on a client allowed it; deleted, no longer', async () => {
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      const created = await admin<UserSummary>('POST', '/admin/oauth/users', { json: { username: 'ada', password } });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        username: 'ada',
        created_at: expect.any(String),
        updated_at: expect.any(String),
        disabled: false,
      });
      expect(JSON.stringify(created.body)).not.toContain(password);
      const listed = await admin<UserSummary[]>('GET', '/admin/oauth/users');
      expect(listed.body).toContainEqual(created.body);
      expect(JSON.stringify(listed.body)).not.toContain(password);

      const app = await createClient({ client_name: 'First-party app', grant_types: ['password', 'refresh_token'], scope: 'profile' });
      const signIn = async (secret: string) => {
        const response = await oauth.genericTokenEndpointRequest(
          as,
          asClient(app),
          oauth.ClientSecretBasic(app.client_secret!),
          'password',
          { username: 'ada', password: secret, scope: 'profile' },
          insecure,
        );
        return oauth.processGenericTokenEndpointResponse(as, asClient(app), response);
      };
      const tokens = await signIn(password);
      expect(await introspect(tokens.access_token)).toMatchObject({ active: true, sub: created.body.id, client_id: app.client_id });
      expect(await tokenError(() => signIn('not-the-password'))).toBe('invalid_grant');

      // A client not allowed the grant is refused it, whatever the password.
      const machine = await createClient({ grant_types: ['client_credentials'] });
      const refused = await oauth.genericTokenEndpointRequest(
        as,
        asClient(machine),
        oauth.ClientSecretBasic(machine.client_secret!),
        'password',
        { username: 'ada', password },
        insecure,
      );
      expect(await tokenError(() => oauth.processGenericTokenEndpointResponse(as, asClient(machine), refused))).toBe('unauthorized_client');

      expect((await admin('DELETE', `/admin/oauth/users/${created.body.id}`)).status).toBe(204);
      expect(await tokenError(() => signIn(password))).toBe('invalid_grant');
      expect((await admin('DELETE', `/admin/oauth/users/${created.body.id}`)).status).toBe(404);
    });

    it('refuses a taken username and a short password, naming the field', async () => {
      expect((await admin('POST', '/admin/oauth/users', { json: { username: 'grace', password: 'long enough password' } })).status).toBe(201);
      const taken = await admin('POST', '/admin/oauth/users', { json: { username: 'grace', password: 'another long password' } });
      expect(taken.status).toBe(409);
      expect(taken.body.details).toEqual([{ field: 'username', message: expect.any(String) }]);
      const short = await admin('POST', '/admin/oauth/users', { json: { username: 'linus', password: 'short' } });
      expect(short.status).toBe(400);
      expect(short.body.details.map((detail: { field: string }) => detail.field)).toEqual(['password']);
      expect(JSON.stringify(short.body)).not.toContain('short"');
    });

    it('keeps the OpenID Connect standard claims: set at creation, changed by PATCH (null removes), wrong types refused by field', async () => {
      const created = await admin<UserSummary>('POST', '/admin/oauth/users', {
        json: { username: 'hedy', password: 'long enough password', name: 'Hedy Lamarr', email: 'hedy@example.com', email_verified: true },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'hedy', name: 'Hedy Lamarr', email: 'hedy@example.com', email_verified: true });
      const changed = await admin<UserSummary>('PATCH', `/admin/oauth/users/${created.body.id}`, {
        json: { email: null, address: { locality: 'Vienna', country: 'AT' } },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ name: 'Hedy Lamarr', email_verified: true, address: { locality: 'Vienna', country: 'AT' } });
      expect(changed.body).not.toHaveProperty('email');
      expect((await admin('GET', `/admin/oauth/users/${created.body.id}`)).body).toEqual(changed.body);

      const wrong = await admin('POST', '/admin/oauth/users', {
        json: { username: 'mallory', password: 'long enough password', email: 'not an email', email_verified: 'true' },
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.details.map((detail: { field: string }) => detail.field).sort()).toEqual(['email', 'email_verified']);
      const wrongPatch = await admin('PATCH', `/admin/oauth/users/${created.body.id}`, { json: { phone_number: 12345, role: 'admin' } });
      expect(wrongPatch.status).toBe(400);
      expect((await admin('PATCH', '/admin/oauth/users/00000000-0000-4000-8000-000000000000', { json: { name: 'x' } })).status).toBe(404);
    });
  });

  describe('signing keys', () => {
    it('rotation answers the new kid, which the JWKS then publishes and new tokens carry', async () => {
      const jwks = async () => ((await (await fetch(as.jwks_uri!)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      const client = await createClient({ grant_types: ['client_credentials'] });
      const before = await clientCredentials(client.client_id, client.client_secret!);
      const oldKid = decodeProtectedHeader(before.access_token).kid!;
      expect(await jwks()).toContain(oldKid);

      const rotated = await admin<{ kid: string }>('POST', '/admin/oauth/keys/rotate');
      expect(rotated.status).toBe(200);
      expect(rotated.body).toEqual({ kid: expect.any(String) });
      expect(rotated.body.kid).not.toBe(oldKid);

      const kids = await jwks();
      expect(kids).toContain(rotated.body.kid);
      // Tokens the old key signed are still valid, so its public half stays published.
      expect(kids).toContain(oldKid);
      const after = await clientCredentials(client.client_id, client.client_secret!);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(rotated.body.kid);
      expect(await introspect(before.access_token)).toMatchObject({ active: true });
    });
  });

  describe('brute-force locks (docs/oauth.md "Brute-force throttles")', () => {
    /** The raw answer and what oauth4webapi makes of it. */
    async function clientCredentialsAnswer(clientId: string, secret: string): Promise<{ status: number; retryAfter: string | null; error?: string }> {
      const response = await oauth.clientCredentialsGrantRequest(as, asClient({ client_id: clientId }), oauth.ClientSecretBasic(secret), {}, insecure);
      const { status } = response;
      const retryAfter = response.headers.get('retry-after');
      if (status === 200) return { status, retryAfter };
      return { status, retryAfter, error: await tokenError(() => oauth.processClientCredentialsResponse(as, asClient({ client_id: clientId }), response)) };
    }

    it('10 wrong secrets lock a client (429 slow_down, Retry-After), the right one too; the admin call lifts it', async () => {
      const client = await createClient({ grant_types: ['client_credentials'] });
      for (let i = 0; i < 9; i += 1)
        expect(await clientCredentialsAnswer(client.client_id, `wrong-${i}`)).toMatchObject({ status: 401, error: 'invalid_client' });
      expect(await clientCredentialsAnswer(client.client_id, 'wrong-10')).toEqual({ status: 429, retryAfter: '300', error: 'slow_down' });
      expect(await clientCredentialsAnswer(client.client_id, client.client_secret!)).toMatchObject({ status: 429, error: 'slow_down' });

      expect((await admin('DELETE', `/admin/oauth/clients/${client.client_id}/lockout`)).status).toBe(204);
      expect(await clientCredentialsAnswer(client.client_id, client.client_secret!)).toEqual({ status: 200, retryAfter: null });
      expect(await admin('DELETE', '/admin/oauth/clients/no-such-client/lockout')).toMatchObject({ status: 404, body: { error: 'not_found' } });
    });

    it('a secret rotation through the admin API lifts a lock a stranger set', async () => {
      const client = await createClient({ grant_types: ['client_credentials'] });
      for (let i = 0; i < 10; i += 1) await clientCredentialsAnswer(client.client_id, `stranger-${i}`);
      expect((await clientCredentialsAnswer(client.client_id, client.client_secret!)).status).toBe(429);
      const rotated = await admin<OAuthClientWithSecret>('POST', `/admin/oauth/clients/${client.client_id}/rotate-secret`);
      expect(await clientCredentials(client.client_id, rotated.body.client_secret!)).toMatchObject({ access_token: expect.any(String) });
    });

    it("5 wrong passwords lock a user's logins at the password grant; the admin call lifts it", async () => {
      const password = `pw-${randomBytes(9).toString('base64url')}`;
      const user = await admin<UserSummary>('POST', '/admin/oauth/users', { json: { username: 'locked-out', password } });
      const app = await createClient({ grant_types: ['password'] });
      const signIn = async (secret: string) => {
        const response = await oauth.genericTokenEndpointRequest(
          as,
          asClient(app),
          oauth.ClientSecretBasic(app.client_secret!),
          'password',
          { username: 'locked-out', password: secret },
          insecure,
        );
        return oauth.processGenericTokenEndpointResponse(as, asClient(app), response);
      };
      for (let i = 0; i < 4; i += 1) expect(await tokenError(() => signIn(`wrong-${i}`))).toBe('invalid_grant');
      expect(await tokenError(() => signIn('wrong-5'))).toBe('slow_down');
      expect(await tokenError(() => signIn(password))).toBe('slow_down');
      expect((await admin('DELETE', `/admin/oauth/users/${user.body.id}/lockout`)).status).toBe(204);
      expect(await signIn(password)).toMatchObject({ access_token: expect.any(String) });
      expect((await admin('DELETE', '/admin/oauth/users/00000000-0000-4000-8000-000000000000/lockout')).status).toBe(404);
    });
  });

  it('documents every OAuth admin endpoint and its schemas in the OpenAPI document', async () => {
    const document = (await (await fetch(`${registry.url}/admin/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, any> };
    };
    const expected: Record<string, string[]> = {
      '/admin/oauth/clients': ['post', 'get'],
      '/admin/oauth/clients/{clientId}': ['get', 'put', 'delete'],
      '/admin/oauth/clients/{clientId}/rotate-secret': ['post'],
      '/admin/oauth/clients/{clientId}/tokens': ['get'],
      '/admin/oauth/users': ['post', 'get'],
      '/admin/oauth/users/{id}': ['get', 'patch', 'delete'],
      '/admin/oauth/clients/{clientId}/lockout': ['delete'],
      '/admin/oauth/users/{id}/lockout': ['delete'],
      '/admin/oauth/initial-access-tokens': ['post'],
      '/admin/oauth/keys/rotate': ['post'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      for (const method of methods) {
        const operation = document.paths[path]?.[method];
        expect(operation, `${method} ${path}`).toBeDefined();
        expect(operation!.security).toEqual([{ bearer: [] }]);
        expect(operation!.responses).toHaveProperty('401');
      }
    }
    const { schemas } = document.components;
    expect(schemas.OAuthClientInput.properties.grant_types.items.enum).toEqual(['authorization_code', 'client_credentials', 'refresh_token', 'password']);
    expect(schemas.OAuthClient.properties).not.toHaveProperty('client_secret');
    expect(JSON.stringify(schemas.OAuthClientWithSecret)).toContain('client_secret');
    expect(document.paths['/admin/oauth/clients']!.post!.responses['201']).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthClientWithSecret' } } },
    });
  });

  // Last: it stops the auth service.
  it('answers 503 in the one error shape when the auth service is gone', async () => {
    await auth.stop();
    const answer = await admin('GET', '/admin/oauth/clients');
    expect(answer.status).toBe(503);
    expect(answer.body).toEqual({ error: 'service_unavailable', message: expect.any(String) });
  });
});
