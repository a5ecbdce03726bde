import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type Reply, type ReplyOf, type RequestOf, type RequestSubject } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistryService } from '../../../tools/test/registry-service.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_dcr_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** Client metadata as an oauth4webapi-based app would register it (RFC 7591 §2 names). */
const metadata = {
  client_name: 'Registered App',
  redirect_uris: ['http://app.test/callback'],
  grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'read write',
  client_uri: 'https://app.test',
  contacts: ['ops@app.test'],
};

describeWithServices('dynamic client registration, RFC 7591 and RFC 7592 (PostgreSQL + NATS, real HTTP)', () => {
  /** The registry the auth service asks whether the APIs and policies its credentials name exist. */
  let registry: TestRegistryService;
  let auth: RunningService;
  let caller: BusTransport;
  let as: oauth.AuthorizationServer;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });

  async function value<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<ReplyOf<S>> {
    const reply = await firstValueFrom(caller.client.send<Reply<ReplyOf<S>>>(subject, payload).pipe(timeout(10_000)));
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  function register(body: unknown, token?: string, contentType = 'application/json'): Promise<Response> {
    return fetch(as.registration_endpoint!, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  function configure(method: 'GET' | 'PUT' | 'DELETE', uri: string, token: string | undefined, body?: unknown): Promise<Response> {
    return fetch(uri, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function usesLeft(token: string): Promise<number> {
    const hash = createHash('sha256').update(token).digest('hex');
    const result = await db.query<{ uses_left: number }>(`SELECT uses_left FROM "${schema}".initial_access_tokens WHERE token_hash = $1`, [hash]);
    return result.rows[0]!.uses_left;
  }

  async function expectInvalidToken(response: Response, presented: boolean): Promise<void> {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe(presented ? 'Bearer realm="portcullis", error="invalid_token"' : 'Bearer realm="portcullis"');
    expect(await response.json()).toMatchObject({ error: 'invalid_token' });
  }

  beforeAll(async () => {
    await db.connect();
    registry = await startTestRegistry({ adminSecret: 'registry-for-registration-' + randomBytes(8).toString('hex') });
    await registry.define({ apis: ['orders'], policies: ['gold'] });
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'dcr-int-test-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `auth-dcr-${tag}` });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `auth-dcr-caller-${tag}` });
    await caller.client.connect();
    const issuer = new URL(auth.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    await registry?.destroy();
  });

  describe('initial access tokens', () => {
    it('are issued by admins over the bus, stored as hashes, and checked on registration', async () => {
      const issued = await value(subjects.authInitialAccessTokensCreate, { uses: 1, expires_in: 600 });
      expect(Buffer.from(issued.token, 'base64url')).toHaveLength(32);
      expect(issued.expires_at).toBeGreaterThan(Date.now() / 1000 + 590);
      const stored = await db.query<{ token_hash: string }>(`SELECT token_hash FROM "${schema}".initial_access_tokens`);
      expect(stored.rows.map((row) => row.token_hash)).not.toContain(issued.token);
    });

    it('refuses a registration without one, with a wrong one, an expired one or a used-up one (401 invalid_token)', async () => {
      await expectInvalidToken(await register(metadata), false);
      await expectInvalidToken(await register(metadata, randomBytes(32).toString('base64url')), true);

      const expired = await value(subjects.authInitialAccessTokensCreate, { uses: 5 });
      await db.query(`UPDATE "${schema}".initial_access_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
        createHash('sha256').update(expired.token).digest('hex'),
      ]);
      await expectInvalidToken(await register(metadata, expired.token), true);

      const once = await value(subjects.authInitialAccessTokensCreate, { uses: 1 });
      expect((await register(metadata, once.token)).status).toBe(201);
      await expectInvalidToken(await register(metadata, once.token), true);
      expect(await usesLeft(once.token)).toBe(0);
    });

    it('refuses bad requests for one over the bus, naming each field', async () => {
      const reply = await firstValueFrom(
        caller.client.send<Reply<unknown>>(subjects.authInitialAccessTokensCreate, { uses: 0, expires_in: -1 }).pipe(timeout(10_000)),
      );
      expect(reply).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'expires_in' }, { field: 'uses' }] } });
    });
  });

  describe('registration', () => {
    it('registers a client usable with oauth4webapi, with a registration access token and client URI', async () => {
      const initial = await value(subjects.authInitialAccessTokensCreate, { uses: 1, api_ids: ['orders'], policy_ids: ['gold'] });
      const response = await register({ ...metadata, api_ids: ['admin'], policy_ids: ['everything'] }, initial.token);
      expect(response.status).toBe(201);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const registered = (await response.json()) as Record<string, unknown>;
      const clientId = registered.client_id as string;
      expect(registered).toMatchObject({
        client_name: 'Registered App',
        redirect_uris: ['http://app.test/callback'],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'read write',
        client_uri: 'https://app.test',
        contacts: ['ops@app.test'],
        client_secret_expires_at: 0,
        registration_client_uri: `${auth.url}/oauth/register/${clientId}`,
      });
      expect(registered.client_id_issued_at).toBeTypeOf('number');
      expect(Buffer.from(registered.client_secret as string, 'base64url')).toHaveLength(32);
      expect(Buffer.from(registered.registration_access_token as string, 'base64url')).toHaveLength(32);
      expect(registered).not.toHaveProperty('api_ids');

      // The client chose neither what it may call nor its policies: the initial access token did.
      const client = await value(subjects.authClientsGet, { client_id: clientId });
      expect(client).toMatchObject({ api_ids: ['orders'], policy_ids: ['gold'] });
      const stored = await db.query<{ registration_token_hash: string }>(
        `SELECT registration_token_hash FROM "${schema}".client_registrations WHERE client_id = $1`,
        [clientId],
      );
      expect(stored.rows[0]!.registration_token_hash).toBe(
        createHash('sha256')
          .update(registered.registration_access_token as string)
          .digest('hex'),
      );

      const oauthClient: oauth.Client = { client_id: clientId };
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        oauthClient,
        await oauth.clientCredentialsGrantRequest(as, oauthClient, oauth.ClientSecretBasic(registered.client_secret as string), { scope: 'read' }, insecure),
      );
      expect(tokens.access_token).toBeTruthy();
    });

    it('registers a public client without a secret', async () => {
      const initial = await value(subjects.authInitialAccessTokensCreate, {});
      const response = await register({ redirect_uris: ['com.example.app:/cb'], token_endpoint_auth_method: 'none' }, initial.token);
      expect(response.status).toBe(201);
      const registered = (await response.json()) as Record<string, unknown>;
      expect(registered).not.toHaveProperty('client_secret');
      expect(registered).not.toHaveProperty('client_secret_expires_at');
      expect(registered).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'] });
    });

    it('registers a client that asked for opaque access tokens, and issues it one', async () => {
      const initial = await value(subjects.authInitialAccessTokensCreate, { api_ids: ['orders'] });
      const response = await register({ grant_types: ['client_credentials'], response_types: [], access_token_format: 'opaque' }, initial.token);
      expect(response.status).toBe(201);
      const registered = (await response.json()) as Record<string, unknown>;
      expect(registered).toMatchObject({ access_token_format: 'opaque' });
      const oauthClient: oauth.Client = { client_id: registered.client_id as string };
      const tokens = await oauth.processClientCredentialsResponse(
        as,
        oauthClient,
        await oauth.clientCredentialsGrantRequest(as, oauthClient, oauth.ClientSecretBasic(registered.client_secret as string), {}, insecure),
      );
      expect(tokens.access_token).toMatch(/^pcat_[\w-]{43}$/);
      expect(await value(subjects.authTokensIntrospect, { token: tokens.access_token })).toMatchObject({ active: true, client_id: registered.client_id });
    });

    it.each([
      ['an access token format we do not issue', { ...metadata, access_token_format: 'paseto' }, 'invalid_client_metadata'],
      ['an unsupported auth method', { ...metadata, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata'],
      ['the implicit grant', { ...metadata, grant_types: ['implicit'], response_types: ['token'] }, 'invalid_client_metadata'],
      ['the password grant', { ...metadata, grant_types: ['password'], response_types: [] }, 'invalid_client_metadata'],
      ['a redirect URI with a fragment', { ...metadata, redirect_uris: ['http://app.test/cb#x'] }, 'invalid_redirect_uri'],
      ['a malformed scope', { ...metadata, scope: 'read "write"' }, 'invalid_client_metadata'],
      ['a JSON array', [], 'invalid_client_metadata'],
    ])('refuses %s with 400 %s and keeps the token usable', async (_label, body, error) => {
      const initial = await value(subjects.authInitialAccessTokensCreate, { uses: 1 });
      const response = await register(body, initial.token);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
      expect(await usesLeft(initial.token)).toBe(1);
    });

    it('refuses a body that is not JSON', async () => {
      const initial = await value(subjects.authInitialAccessTokensCreate, { uses: 1 });
      const response = await register('redirect_uris=x', initial.token, 'application/x-www-form-urlencoded');
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_client_metadata' });
    });
  });

  describe('RFC 7592 client configuration', () => {
    async function registered(): Promise<{ clientId: string; secret: string; token: string; uri: string }> {
      const initial = await value(subjects.authInitialAccessTokensCreate, {});
      const body = (await (await register(metadata, initial.token)).json()) as Record<string, string>;
      return { clientId: body.client_id!, secret: body.client_secret!, token: body.registration_access_token!, uri: body.registration_client_uri! };
    }

    it('reads the client with its registration access token', async () => {
      const client = await registered();
      const response = await configure('GET', client.uri, client.token);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toMatchObject({
        ...metadata,
        client_id: client.clientId,
        registration_access_token: client.token,
        registration_client_uri: client.uri,
      });
    });

    it("refuses no token, a wrong one, and another client's registration token (401)", async () => {
      const mine = await registered();
      const other = await registered();
      await expectInvalidToken(await configure('GET', mine.uri, undefined), false);
      await expectInvalidToken(await configure('GET', mine.uri, randomBytes(32).toString('base64url')), true);
      await expectInvalidToken(await configure('GET', mine.uri, other.token), true);
      await expectInvalidToken(await configure('PUT', mine.uri, other.token, { ...metadata, client_id: mine.clientId }), true);
      await expectInvalidToken(await configure('DELETE', mine.uri, other.token), true);
      await expectInvalidToken(await configure('GET', `${auth.url}/oauth/register/no-such-client`, mine.token), true);
      expect((await configure('GET', mine.uri, mine.token)).status).toBe(200);
    });

    it('replaces the metadata on update: what the body leaves out goes back to its default', async () => {
      const client = await registered();
      const { scope: _dropped, contacts: _alsoDropped, ...rest } = metadata;
      const response = await configure('PUT', client.uri, client.token, {
        ...rest,
        client_id: client.clientId,
        client_name: 'Renamed',
        client_secret: client.secret,
      });
      expect(response.status).toBe(200);
      const updated = (await response.json()) as Record<string, unknown>;
      expect(updated).toMatchObject({ client_id: client.clientId, client_name: 'Renamed', registration_access_token: client.token });
      expect(updated).not.toHaveProperty('scope');
      expect(updated).not.toHaveProperty('contacts');
      expect(await (await configure('GET', client.uri, client.token)).json()).toMatchObject({ client_name: 'Renamed' });
    });

    it('refuses an update naming another client, a wrong secret, or bad metadata (400)', async () => {
      const client = await registered();
      for (const body of [
        { ...metadata, client_id: 'someone-else' },
        { ...metadata },
        { ...metadata, client_id: client.clientId, client_secret: 'not-the-secret' },
        { ...metadata, client_id: client.clientId, token_endpoint_auth_method: 'none' },
        { ...metadata, client_id: client.clientId, redirect_uris: ['not a uri'] },
      ]) {
        const response = await configure('PUT', client.uri, client.token, body);
        expect(response.status).toBe(400);
        expect((await response.json()) as { error: string }).toMatchObject({ error: expect.stringMatching(/^invalid_(client_metadata|redirect_uri)$/) });
      }
    });

    it('deletes the client (204): its registration token and credentials stop working', async () => {
      const client = await registered();
      const oauthClient: oauth.Client = { client_id: client.clientId };
      const grant = () => oauth.clientCredentialsGrantRequest(as, oauthClient, oauth.ClientSecretBasic(client.secret), { scope: 'read' }, insecure);
      await oauth.processClientCredentialsResponse(as, oauthClient, await grant());
      const live = `SELECT count(*) AS n FROM "${schema}".access_tokens WHERE client_id = $1 AND revoked_at IS NULL`;
      expect(Number((await db.query<{ n: string }>(live, [client.clientId])).rows[0]!.n)).toBe(1);

      const response = await configure('DELETE', client.uri, client.token);
      expect(response.status).toBe(204);
      await expectInvalidToken(await configure('GET', client.uri, client.token), true);
      const refused = await grant();
      expect(refused.status).toBe(401);
      expect(await refused.json()).toMatchObject({ error: 'invalid_client' });
      expect(Number((await db.query<{ n: string }>(live, [client.clientId])).rows[0]!.n)).toBe(0);
    });
  });
});
