import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type TokenIssuedEvent, type TokenRevokedEvent, type TokenSummary } from '@portcullis/contracts';
import type { OAuthClient } from '@portcullis/domain';
import type { RunningService } from '@portcullis/http';
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JSONWebKeySet } from 'jose';
import { openDatabase } from '@portcullis/database';
import { createHash, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegistry, type TestRegistryService } from '../../../tools/test/registry-service.js';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { waitFor } from '../../../tools/test/wait-for.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';
import { authEntities, authMigrations } from '../src/storage/schema.js';
import { SigningKeyStore } from '../src/storage/signing-key-store.js';

const schema = `auth_oauth_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const form = { 'content-type': 'application/x-www-form-urlencoded' };

interface Recorded {
  issued: TokenIssuedEvent[];
  revoked: TokenRevokedEvent[];
  rotated: { kid: string }[];
}

describeWithServices('OAuth core: token, introspection, revocation, discovery, keys (PostgreSQL + NATS)', () => {
  /** The registry the auth service asks whether the APIs and policies its credentials name exist. */
  let registry: TestRegistryService;
  let auth: RunningService;
  let caller: BusTransport;
  let nats: NatsConnection;
  let as: oauth.AuthorizationServer;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  const events: Recorded = { issued: [], revoked: [], rotated: [] };

  /** A confidential client for most tests, a second one for "who" tests, and a short-lived-token one. */
  let service: OAuthClientWithSecret;
  let other: OAuthClientWithSecret;
  let webApp: OAuthClientWithSecret;
  let spa: OAuthClientWithSecret;

  beforeAll(async () => {
    await db.connect();
    registry = await startTestRegistry({ adminSecret: 'registry-for-oauth-core-' + randomBytes(8).toString('hex') });
    await registry.define({ apis: ['orders'], policies: ['gold'] });
    nats = await connect({ servers: testServices.natsUrl, name: `auth-oauth-int-listener-${tag}` });
    listen(nats, subjects.authTokenIssued, events.issued);
    listen(nats, subjects.authTokenRevoked, events.revoked);
    listen(nats, subjects.authKeysRotated, events.rotated);
    await nats.flush();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'auth-oauth-int-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-oauth-int-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-oauth-int-caller-${tag}`,
    });
    await caller.client.connect();

    service = await bus(subjects.authClientsCreate, {
      input: { client_name: 'service', scope: 'read write', api_ids: ['orders'], policy_ids: ['gold'], grant_types: ['client_credentials'] },
    });
    other = await bus(subjects.authClientsCreate, { input: { client_name: 'other', scope: 'read', grant_types: ['client_credentials'] } });
    webApp = await bus(subjects.authClientsCreate, {
      input: {
        client_name: 'web',
        redirect_uris: ['https://app.example/cb'],
        scope: 'read write',
        api_ids: ['orders'],
        grant_types: ['authorization_code', 'refresh_token'],
      },
    });
    spa = await bus(subjects.authClientsCreate, {
      input: { client_name: 'spa', redirect_uris: ['https://spa.example/cb'], token_endpoint_auth_method: 'none', scope: 'read' },
    });
    as = await oauth.processDiscoveryResponse(new URL(auth.url), await oauth.discoveryRequest(new URL(auth.url), insecure));
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await nats?.drain();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
    await registry?.destroy();
  });

  function listen<T>(connection: NatsConnection, subject: string, into: T[]): void {
    const subscription = connection.subscribe(testServices.subjectPrefix + subject);
    void (async () => {
      for await (const message of subscription) into.push((message.json() as { data: T }).data);
    })();
  }

  async function bus<T>(subject: string, payload: unknown): Promise<T> {
    const reply = await firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)));
    if (!reply.ok) throw new Error(`${subject} failed: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  async function busReply<T>(subject: string, payload: unknown): Promise<Reply<T>> {
    return firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)));
  }

  const eventually = <T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5_000) =>
    waitFor(probe, { timeoutMs, intervalMs: 25, message: what }) as Promise<T>;

  const asClient = (client: OAuthClientWithSecret): oauth.Client => ({
    client_id: client.client_id,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
  });

  async function clientCredentials(client: OAuthClientWithSecret, scope?: string, method: 'basic' | 'post' = 'basic'): Promise<oauth.TokenEndpointResponse> {
    const authn = method === 'basic' ? oauth.ClientSecretBasic(client.client_secret!) : oauth.ClientSecretPost(client.client_secret!);
    const response = await oauth.clientCredentialsGrantRequest(as, asClient(client), authn, scope === undefined ? {} : { scope }, insecure);
    return oauth.processClientCredentialsResponse(as, asClient(client), response);
  }

  async function introspect(token: string, by: OAuthClientWithSecret = service): Promise<oauth.IntrospectionResponse> {
    const response = await oauth.introspectionRequest(as, asClient(by), oauth.ClientSecretBasic(by.client_secret!), token, insecure);
    return oauth.processIntrospectionResponse(as, asClient(by), response);
  }

  function post(path: string, body: string, headers: Record<string, string> = form): Promise<Response> {
    return fetch(`${auth.url}${path}`, { method: 'POST', headers, body });
  }

  const basic = (client: OAuthClientWithSecret, secret = client.client_secret!) => ({
    ...form,
    authorization: 'Basic ' + Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString('base64'),
  });

  /** Stands in for the authorize step (the other module's): stores a code the way it does. */
  async function storeCode(
    client: OAuthClientWithSecret,
    options: { redirectUri: string; scope: string; challenge?: string; expiresInSeconds?: number },
  ): Promise<string> {
    const code = randomBytes(32).toString('base64url');
    await db.query(
      `INSERT INTO "${schema}".authorization_codes (code_hash, client_id, redirect_uri, scope, sub, code_challenge, code_challenge_method, family_id, expires_at)
       VALUES ($1, $2, $3, $4, 'user-1', $5, $6, gen_random_uuid(), now() + make_interval(secs => $7))`,
      [
        createHash('sha256').update(code).digest(),
        client.client_id,
        options.redirectUri,
        options.scope,
        options.challenge ?? null,
        options.challenge ? 'S256' : null,
        options.expiresInSeconds ?? 60,
      ],
    );
    return code;
  }

  async function redeem(client: OAuthClientWithSecret, code: string, redirectUri: string, verifier: string | typeof oauth.nopkce): Promise<Response> {
    // The callback the authorization endpoint would have sent, iss included (RFC 9207; the code was made above, not by it).
    const callback = new URL(redirectUri);
    callback.searchParams.set('code', code);
    callback.searchParams.set('iss', as.issuer);
    const params = oauth.validateAuthResponse(as, asClient(client), callback, oauth.expectNoState);
    const authn = client.token_endpoint_auth_method === 'none' ? oauth.None() : oauth.ClientSecretBasic(client.client_secret!);
    return oauth.authorizationCodeGrantRequest(as, asClient(client), authn, params, redirectUri, verifier, insecure);
  }

  describe('discovery and JWKS', () => {
    it('publishes RFC 8414 metadata that oauth4webapi accepts, at both well-known names', async () => {
      expect(as.issuer).toBe(auth.url);
      expect(as).toMatchObject({
        token_endpoint: `${auth.url}/oauth/token`,
        authorization_endpoint: `${auth.url}/oauth/authorize`,
        introspection_endpoint: `${auth.url}/oauth/introspect`,
        revocation_endpoint: `${auth.url}/oauth/revoke`,
        registration_endpoint: `${auth.url}/oauth/register`,
        jwks_uri: `${auth.url}/.well-known/jwks.json`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
      expect(as.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'client_credentials', 'refresh_token', 'password']));
      const oauth2 = await oauth.processDiscoveryResponse(
        new URL(auth.url),
        await oauth.discoveryRequest(new URL(auth.url), { ...insecure, algorithm: 'oauth2' }),
      );
      expect(oauth2).toEqual(as);
    });

    it('publishes one ES256 and one RS256 public key (no private parts), each kid the RFC 7638 thumbprint', async () => {
      const jwks = (await (await fetch(as.jwks_uri!)).json()) as JSONWebKeySet;
      expect(jwks.keys).toHaveLength(2);
      const ec = jwks.keys.find((key) => key.alg === 'ES256')!;
      const rsa = jwks.keys.find((key) => key.alg === 'RS256')!;
      expect(ec).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      // RS256 signs ID Tokens (OIDC Core §15.1); 2048 bits at least (RFC 7518 §3.3).
      expect(rsa).toMatchObject({ kty: 'RSA', e: 'AQAB', alg: 'RS256', use: 'sig' });
      expect(Buffer.from(rsa.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
      const { calculateJwkThumbprint } = await import('jose');
      for (const key of [ec, rsa]) {
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
        expect(key.kid).toBe(await calculateJwkThumbprint(key, 'sha256'));
      }
      expect(await (await fetch(`${auth.url}/oauth/jwks`)).json()).toEqual(jwks);
    });

    it('keeps private keys encrypted at rest', async () => {
      const rows = await db.query<{ private_key_encrypted: string }>(`SELECT private_key_encrypted FROM "${schema}".signing_keys`);
      for (const row of rows.rows) {
        expect(row.private_key_encrypted).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
        expect(row.private_key_encrypted).not.toContain('PRIVATE KEY');
      }
    });
  });

  describe('client_credentials', () => {
    it('issues an RFC 9068 JWT with client_secret_basic that verifies against the published JWKS', async () => {
      const tokens = await clientCredentials(service, 'read');
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read' });
      expect(tokens.refresh_token).toBeUndefined();
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)), {
        issuer: as.issuer,
        typ: 'at+jwt',
        algorithms: ['ES256'],
      });
      expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(payload).toMatchObject({ iss: auth.url, sub: service.client_id, aud: 'orders', client_id: service.client_id, scope: 'read', pol: ['gold'] });
      expect(payload.exp! - payload.iat!).toBe(3600);
      const issued = await eventually(() => events.issued.find((event) => event.jti === payload.jti), 'auth.token.issued');
      expect(issued).toEqual({ jti: payload.jti, client_id: service.client_id, sub: service.client_id, exp: payload.exp, api_ids: ['orders'] });
    });

    it('issues with client_secret_post, and grants every allowed scope when none is asked for', async () => {
      const tokens = await clientCredentials(service, undefined, 'post');
      expect(tokens.scope).toBe('read write');
    });

    it('answers with Cache-Control: no-store and Pragma: no-cache', async () => {
      const response = await post('/oauth/token', 'grant_type=client_credentials', basic(service));
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('pragma')).toBe('no-cache');
    });

    it('lists issued tokens per client (never another client’s)', async () => {
      const tokens = await clientCredentials(other);
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)));
      const mine = await bus<TokenSummary[]>(subjects.authClientsTokens, { client_id: other.client_id });
      expect(mine.map((token) => token.jti)).toContain(payload.jti);
      expect(mine.every((token) => token.client_id === other.client_id)).toBe(true);
      const theirs = await bus<TokenSummary[]>(subjects.authClientsTokens, { client_id: service.client_id });
      expect(theirs.map((token) => token.jti)).not.toContain(payload.jti);
    });
  });

  describe('authorization_code with PKCE, and refresh tokens', () => {
    it('redeems a code once with the right verifier; a replay revokes what it issued', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read write',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const tokens = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
      expect(tokens.refresh_token).toMatch(/^[\w-]{43}$/);
      expect((await introspect(tokens.access_token)).active).toBe(true);

      const replay = await redeem(webApp, code, 'https://app.example/cb', verifier);
      expect(replay.status).toBe(400);
      expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
      expect((await introspect(tokens.access_token)).active).toBe(false);
      const jti = (await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)))).payload.jti;
      await eventually(() => events.revoked.find((event) => event.jti === jti), 'auth.token.revoked for the replayed code');
      const refresh = await oauth.refreshTokenGrantRequest(
        as,
        asClient(webApp),
        oauth.ClientSecretBasic(webApp.client_secret!),
        tokens.refresh_token!,
        insecure,
      );
      expect(refresh.status).toBe(400);
    });

    it.each([
      ['a wrong verifier', { verifier: 'w'.repeat(43) }],
      ['no verifier for a code with a challenge', { verifier: oauth.nopkce }],
      ['another redirect_uri', { redirectUri: 'https://app.example/cb/' }],
    ] as const)('refuses %s with invalid_grant', async (_case, change) => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const response = await redeem(
        webApp,
        code,
        'redirectUri' in change ? change.redirectUri : 'https://app.example/cb',
        'verifier' in change ? change.verifier : verifier,
      );
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a code_verifier for a code issued without a challenge (PKCE downgrade, RFC 9700 §2.1.1), and burns the code', async () => {
      const code = await storeCode(webApp, { redirectUri: 'https://app.example/cb', scope: 'read' });
      const downgraded = await redeem(webApp, code, 'https://app.example/cb', oauth.generateRandomCodeVerifier());
      expect(downgraded.status).toBe(400);
      expect(await downgraded.json()).toEqual({
        error: 'invalid_grant',
        error_description: 'code_verifier was sent but the authorization request had no code_challenge',
      });
      // The refusal cost the code: it is not redeemable afterwards, with or without a verifier.
      const retried = await redeem(webApp, code, 'https://app.example/cb', oauth.nopkce);
      expect(retried.status).toBe(400);
      expect(await retried.json()).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses an expired code, and a public client without PKCE', async () => {
      const expired = await storeCode(webApp, { redirectUri: 'https://app.example/cb', scope: 'read', expiresInSeconds: -1 });
      expect(await (await redeem(webApp, expired, 'https://app.example/cb', oauth.nopkce)).json()).toMatchObject({ error: 'invalid_grant' });
      const noPkce = await storeCode(spa, { redirectUri: 'https://spa.example/cb', scope: 'read' });
      expect(await (await redeem(spa, noPkce, 'https://spa.example/cb', oauth.nopkce)).json()).toMatchObject({
        error: 'invalid_grant',
        error_description: 'PKCE is required for public clients',
      });
    });

    it('serves a public client (none) with PKCE', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(spa, { redirectUri: 'https://spa.example/cb', scope: 'read', challenge: await oauth.calculatePKCECodeChallenge(verifier) });
      const tokens = await oauth.processAuthorizationCodeResponse(as, asClient(spa), await redeem(spa, code, 'https://spa.example/cb', verifier));
      expect(tokens.scope).toBe('read');
    });

    it('rotates refresh tokens; reusing a rotated one revokes the whole family', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read write',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const first = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
      const authn = oauth.ClientSecretBasic(webApp.client_secret!);

      const second = await oauth.processRefreshTokenResponse(
        as,
        asClient(webApp),
        await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, first.refresh_token!, insecure),
      );
      expect(second.refresh_token).toBeDefined();
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expect(second.scope).toBe('read write');

      // Narrowing: a subset is granted; the new refresh token keeps the original scope (RFC 6749 §6).
      const narrowed = await oauth.processRefreshTokenResponse(
        as,
        asClient(webApp),
        await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, second.refresh_token!, { ...insecure, additionalParameters: { scope: 'read' } }),
      );
      expect(narrowed.scope).toBe('read');
      const wider = await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, narrowed.refresh_token!, {
        ...insecure,
        additionalParameters: { scope: 'read admin' },
      });
      expect(wider.status).toBe(400);
      expect(await wider.json()).toMatchObject({ error: 'invalid_scope' });
      // Asking for too much does not spend the refresh token.
      const third = await oauth.processRefreshTokenResponse(
        as,
        asClient(webApp),
        await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, narrowed.refresh_token!, insecure),
      );
      expect(third.scope).toBe('read write');
      const live = [first.access_token, second.access_token, narrowed.access_token, third.access_token];
      for (const token of live) expect((await introspect(token)).active).toBe(true);

      const reuse = await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, first.refresh_token!, insecure);
      expect(reuse.status).toBe(400);
      expect(await reuse.json()).toMatchObject({ error: 'invalid_grant' });
      for (const token of live) expect((await introspect(token)).active).toBe(false);
      const latest = await oauth.refreshTokenGrantRequest(as, asClient(webApp), authn, third.refresh_token!, insecure);
      expect(latest.status).toBe(400);
    });

    it('lets exactly one of two racing exchanges of a refresh token win, and revokes the family, the winner’s tokens included', async () => {
      // Several rounds: which request reaches the database first varies, and each order must hold.
      for (let round = 0; round < 5; round++) {
        const verifier = oauth.generateRandomCodeVerifier();
        const code = await storeCode(webApp, {
          redirectUri: 'https://app.example/cb',
          scope: 'read write',
          challenge: await oauth.calculatePKCECodeChallenge(verifier),
        });
        const first = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
        const exchange = () => post('/oauth/token', `grant_type=refresh_token&refresh_token=${first.refresh_token}`, basic(webApp));
        const answers = await Promise.all([exchange(), exchange()]);
        const bodies = (await Promise.all(answers.map((answer) => answer.json()))) as { access_token?: string; refresh_token?: string; error?: string }[];
        const statuses = answers.map((answer) => answer.status).sort();
        expect(statuses, `round ${round}: ${JSON.stringify(bodies.map((body) => body.error ?? 'tokens'))}`).toEqual([200, 400]);
        const winner = bodies.find((body) => body.access_token !== undefined)!;
        const loser = bodies.find((body) => body.access_token === undefined)!;
        expect(loser).toMatchObject({ error: 'invalid_grant' });
        expect(winner.refresh_token).toMatch(/^[\w-]{43}$/);
        // The loser's exchange is a reuse: everything the family holds is revoked, what the winner
        // was just given as much as what came before it (RFC 9700 §4.14.2).
        for (const token of [first.access_token, winner.access_token!]) expect((await introspect(token)).active, `round ${round}`).toBe(false);
        expect((await introspect(winner.refresh_token!, webApp)).active, `round ${round}`).toBe(false);
        const afterwards = await post('/oauth/token', `grant_type=refresh_token&refresh_token=${winner.refresh_token}`, basic(webApp));
        expect(afterwards.status, `round ${round}`).toBe(400);
        expect(await afterwards.json()).toMatchObject({ error: 'invalid_grant' });
        const jti = (await jwtVerify(winner.access_token!, createRemoteJWKSet(new URL(as.jwks_uri!)))).payload.jti;
        await eventually(() => events.revoked.find((event) => event.jti === jti), `auth.token.revoked for the winner's access token (round ${round})`);
      }
    });

    it('refuses another client’s refresh token without revoking it', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const tokens = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
      const thief = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, {
        input: { client_name: 'thief', redirect_uris: ['https://thief.example/cb'], grant_types: ['authorization_code', 'refresh_token'] },
      });
      const stolen = await post('/oauth/token', `grant_type=refresh_token&refresh_token=${tokens.refresh_token}`, basic(thief));
      expect(stolen.status).toBe(400);
      expect(await stolen.json()).toMatchObject({ error: 'invalid_grant' });
      const refreshed = await oauth.refreshTokenGrantRequest(
        as,
        asClient(webApp),
        oauth.ClientSecretBasic(webApp.client_secret!),
        tokens.refresh_token!,
        insecure,
      );
      expect(refreshed.status).toBe(200);
    });
  });

  describe('password', () => {
    it('issues tokens for a user with the right password, only to a client allowed the grant', async () => {
      const username = `alice-${tag}`;
      const user = await bus<{ id: string }>(subjects.authUsersCreate, { username, password: 'correct horse battery' });
      const trusted = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, {
        input: { client_name: 'trusted', scope: 'read', grant_types: ['password', 'refresh_token'] },
      });
      const good = await post('/oauth/token', `grant_type=password&username=${username}&password=correct+horse+battery`, basic(trusted));
      expect(good.status).toBe(200);
      const tokens = (await good.json()) as { access_token: string; refresh_token?: string; scope: string };
      expect(tokens.refresh_token).toBeDefined();
      const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)), { typ: 'at+jwt' });
      expect(payload).toMatchObject({ sub: user.id, client_id: trusted.client_id, scope: 'read' });

      const wrong = await post('/oauth/token', `grant_type=password&username=${username}&password=wrong-password`, basic(trusted));
      expect(wrong.status).toBe(400);
      expect(await wrong.json()).toMatchObject({ error: 'invalid_grant' });
      const unknown = await post('/oauth/token', `grant_type=password&username=nobody-${tag}&password=correct+horse+battery`, basic(trusted));
      expect(await unknown.json()).toEqual(
        await (await post('/oauth/token', `grant_type=password&username=${username}&password=wrong-password`, basic(trusted))).json(),
      );
      const missing = await post('/oauth/token', `grant_type=password&username=${username}`, basic(trusted));
      expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
      const notAllowed = await post('/oauth/token', `grant_type=password&username=${username}&password=correct+horse+battery`, basic(service));
      expect(await notAllowed.json()).toMatchObject({ error: 'unauthorized_client' });
    });
  });

  describe('introspection and revocation', () => {
    it('introspects a valid access token as active, with its claims', async () => {
      const tokens = await clientCredentials(service, 'write');
      const result = await introspect(tokens.access_token, other);
      expect(result).toMatchObject({ active: true, client_id: service.client_id, sub: service.client_id, scope: 'write', token_type: 'Bearer', iss: auth.url });
      expect(typeof result.exp).toBe('number');
    });

    it('revokes with oauth4webapi; the token then introspects inactive and a revocation event goes out', async () => {
      const tokens = await clientCredentials(service);
      const jti = (await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)))).payload.jti;
      await oauth.processRevocationResponse(
        await oauth.revocationRequest(as, asClient(service), oauth.ClientSecretBasic(service.client_secret!), tokens.access_token, insecure),
      );
      expect((await introspect(tokens.access_token)).active).toBe(false);
      const event = await eventually(() => events.revoked.find((revoked) => revoked.jti === jti), 'auth.token.revoked');
      expect(event.exp).toBeGreaterThan(Date.now() / 1000);
    });

    // Introspection remembers a token it found valid (issue 15): a revocation must still show at once.
    it('answers a token inactive right after its revocation, though it was just introspected as active', async () => {
      const { access_token: token } = await clientCredentials(service);
      for (let i = 0; i < 3; i++) expect((await introspect(token)).active).toBe(true);
      expect(await bus(subjects.authTokensIntrospect, { token })).toMatchObject({ active: true });
      expect((await post('/oauth/revoke', `token=${token}`, basic(service))).status).toBe(200);
      expect(await introspect(token)).toEqual({ active: false });
      expect(await bus(subjects.authTokensIntrospect, { token })).toEqual({ active: false });
    });

    it("answers a client's tokens inactive right after revoke_all, and a refresh family's right after its revocation", async () => {
      const holder = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, {
        input: { client_name: 'revoked-all', grant_types: ['client_credentials'] },
      });
      const tokens = [await clientCredentials(holder), await clientCredentials(holder)].map((t) => t.access_token);
      for (const token of tokens) expect((await introspect(token)).active).toBe(true);
      expect(await bus(subjects.authTokensRevokeAll, { client_id: holder.client_id, client_secret: holder.client_secret })).toEqual({ revoked: 2 });
      for (const token of tokens) expect(await introspect(token)).toEqual({ active: false });

      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const family = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
      expect((await introspect(family.access_token)).active).toBe(true);
      const revoked = await post('/oauth/revoke', `token=${family.refresh_token}&token_type_hint=refresh_token`, basic(webApp));
      expect(revoked.status).toBe(200);
      expect(await introspect(family.access_token)).toEqual({ active: false });
    });

    it('answers a token inactive soon after another replica revoked it (auth.token.revoked), well before its memory would expire', async () => {
      // One issuer for both, as replicas behind one address have (by default each would be its own URL).
      const config = loadAuthConfig({
        AUTH_PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_SECRET: 'auth-oauth-int-secret-' + tag,
        LOG_LEVEL: 'silent',
        AUTH_ISSUER: auth.url,
      });
      const transport = createBusTransport({
        kind: 'nats',
        servers: [testServices.natsUrl],
        subjectPrefix: testServices.subjectPrefix,
        name: `auth-oauth-int-replica-${tag}`,
      });
      const replica = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
      try {
        const { access_token: token } = await clientCredentials(service);
        for (let i = 0; i < 3; i++) expect((await introspect(token)).active).toBe(true);
        const revoked = await fetch(`${replica.url}/oauth/revoke`, { method: 'POST', headers: basic(service), body: `token=${token}` });
        expect(revoked.status).toBe(200);
        // The event's way from one replica to the other; memory alone would answer active for 10 s.
        await eventually(async () => (await introspect(token)).active === false || undefined, 'the other replica to forget the revoked token', 2_000);
      } finally {
        await replica.close();
      }
    });

    it('lets a client revoke only its own tokens; unknown tokens answer 200', async () => {
      const tokens = await clientCredentials(service);
      const foreign = await post('/oauth/revoke', `token=${tokens.access_token}`, basic(other));
      expect(foreign.status).toBe(400);
      expect((await introspect(tokens.access_token)).active).toBe(true);
      const unknown = await post('/oauth/revoke', 'token=no-such-token&token_type_hint=refresh_token', basic(other));
      expect(unknown.status).toBe(200);
      expect(unknown.headers.get('cache-control')).toBe('no-store');
    });

    it('revokes a refresh token and its family (RFC 7009 §2.1)', async () => {
      const verifier = oauth.generateRandomCodeVerifier();
      const code = await storeCode(webApp, {
        redirectUri: 'https://app.example/cb',
        scope: 'read',
        challenge: await oauth.calculatePKCECodeChallenge(verifier),
      });
      const tokens = await oauth.processAuthorizationCodeResponse(as, asClient(webApp), await redeem(webApp, code, 'https://app.example/cb', verifier));
      const webAuth = oauth.ClientSecretBasic(webApp.client_secret!);
      expect(
        (
          await oauth.processIntrospectionResponse(
            as,
            asClient(webApp),
            await oauth.introspectionRequest(as, asClient(webApp), webAuth, tokens.refresh_token!, insecure),
          )
        ).active,
      ).toBe(true);
      // Another client cannot even see it.
      expect((await introspect(tokens.refresh_token!, service)).active).toBe(false);
      const response = await oauth.revocationRequest(as, asClient(webApp), webAuth, tokens.refresh_token!, {
        ...insecure,
        additionalParameters: { token_type_hint: 'refresh_token' },
      });
      await oauth.processRevocationResponse(response);
      expect((await introspect(tokens.access_token)).active).toBe(false);
      expect((await oauth.refreshTokenGrantRequest(as, asClient(webApp), webAuth, tokens.refresh_token!, insecure)).status).toBe(400);
    });

    it('introspects expired tokens as inactive', async () => {
      const brief = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, {
        input: { client_name: 'brief', access_token_ttl: 1, grant_types: ['client_credentials'] },
      });
      const tokens = await clientCredentials(brief);
      expect(tokens.expires_in).toBe(1);
      await eventually(async () => (await introspect(tokens.access_token)).active === false || undefined, 'the token to expire', 4_000);
    });

    it.each([
      [
        'a tampered JWT',
        async (token: string) =>
          token.slice(0, token.indexOf('.') + 5) + (token[token.indexOf('.') + 5] === 'A' ? 'B' : 'A') + token.slice(token.indexOf('.') + 6),
      ],
      ['a JWT with alg none', async (token: string) => `${b64({ alg: 'none', typ: 'at+jwt' })}.${token.split('.')[1]}.`],
      [
        'an HS256 JWT signed with the public key as the secret',
        async (token: string) => {
          const jwks = (await (await fetch(as.jwks_uri!)).json()) as JSONWebKeySet;
          const header = decodeProtectedHeader(token);
          const jwk = jwks.keys.find((key) => key.kid === header.kid)!;
          const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
          const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
          return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: header.kid }).sign(Buffer.from(pem));
        },
      ],
      ['random text', async () => 'not-a-token'],
    ])('introspects %s as inactive', async (_case, forge) => {
      const tokens = await clientCredentials(service);
      const forged = await forge(tokens.access_token);
      expect(forged).not.toBe(tokens.access_token);
      expect(await introspect(forged)).toEqual({ active: false });
    });
  });

  describe('bad requests', () => {
    const cases: [string, () => Promise<Response>, number, string][] = [
      ['missing grant_type', () => post('/oauth/token', 'scope=read', basic(service)), 400, 'invalid_request'],
      [
        'duplicated grant_type',
        () => post('/oauth/token', 'grant_type=client_credentials&grant_type=client_credentials', basic(service)),
        400,
        'invalid_request',
      ],
      ['duplicated scope', () => post('/oauth/token', 'grant_type=client_credentials&scope=read&scope=write', basic(service)), 400, 'invalid_request'],
      [
        'a JSON body',
        () => post('/oauth/token', '{"grant_type":"client_credentials"}', { ...basic(service), 'content-type': 'application/json' }),
        400,
        'invalid_request',
      ],
      ['no client authentication', () => post('/oauth/token', 'grant_type=client_credentials'), 401, 'invalid_client'],
      ['a wrong secret in Basic', () => post('/oauth/token', 'grant_type=client_credentials', basic(service, 'wrong')), 401, 'invalid_client'],
      [
        'an unknown client in Basic',
        () => post('/oauth/token', 'grant_type=client_credentials', basic({ ...service, client_id: 'nobody' })),
        401,
        'invalid_client',
      ],
      ['a malformed Basic header', () => post('/oauth/token', 'grant_type=client_credentials', { ...form, authorization: 'Basic !!!' }), 401, 'invalid_client'],
      [
        'a wrong secret in the body',
        () => post('/oauth/token', `grant_type=client_credentials&client_id=${service.client_id}&client_secret=wrong`),
        401,
        'invalid_client',
      ],
      [
        'Basic and body credentials at once',
        () => post('/oauth/token', `grant_type=client_credentials&client_id=${service.client_id}&client_secret=${service.client_secret}`, basic(service)),
        400,
        'invalid_request',
      ],
      [
        'a confidential client without its secret',
        () => post('/oauth/token', `grant_type=client_credentials&client_id=${service.client_id}`),
        401,
        'invalid_client',
      ],
      ['an unknown grant type', () => post('/oauth/token', 'grant_type=urn:example:magic', basic(service)), 400, 'unsupported_grant_type'],
      ['a grant the client may not use', () => post('/oauth/token', 'grant_type=password&username=a&password=b', basic(service)), 400, 'unauthorized_client'],
      ['a scope not allowed', () => post('/oauth/token', 'grant_type=client_credentials&scope=admin', basic(service)), 400, 'invalid_scope'],
      [
        'any scope for a client with none allowed',
        () =>
          post('/oauth/token', 'grant_type=client_credentials&scope=read', basic(other)).then(() =>
            post('/oauth/token', 'grant_type=client_credentials&scope=write', basic(other)),
          ),
        400,
        'invalid_scope',
      ],
      ['a refresh token that does not exist', () => post('/oauth/token', 'grant_type=refresh_token&refresh_token=nope', basic(webApp)), 400, 'invalid_grant'],
      [
        'a missing code',
        () => post('/oauth/token', 'grant_type=authorization_code&redirect_uri=https://app.example/cb', basic(webApp)),
        400,
        'invalid_request',
      ],
      ['introspection without a token', () => post('/oauth/introspect', '', basic(service)), 400, 'invalid_request'],
      ['introspection without client authentication', () => post('/oauth/introspect', 'token=x'), 401, 'invalid_client'],
      ['introspection with a duplicated token', () => post('/oauth/introspect', 'token=a&token=b', basic(service)), 400, 'invalid_request'],
      ['revocation with a wrong secret', () => post('/oauth/revoke', 'token=x', basic(service, 'wrong')), 401, 'invalid_client'],
      [
        'a body over the size limit',
        () => post('/oauth/token', 'grant_type=client_credentials&x=' + 'a'.repeat(1_100_000), basic(service)),
        413,
        'invalid_request',
      ],
    ];

    it.each(cases)('answers %s with the RFC 6749 error', async (_case, request, status, error) => {
      const response = await request();
      expect(response.status).toBe(status);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const body = (await response.json()) as Record<string, unknown>;
      expect(body.error).toBe(error);
      expect(Object.keys(body).every((key) => key === 'error' || key === 'error_description')).toBe(true);
    });

    it('challenges with WWW-Authenticate: Basic when Basic credentials fail', async () => {
      const response = await post('/oauth/token', 'grant_type=client_credentials', basic(service, 'wrong'));
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="portcullis"/);
    });

    it('tells an unknown client and a wrong secret apart in no way', async () => {
      const wrong = await (await post('/oauth/token', 'grant_type=client_credentials', basic(service, 'wrong'))).json();
      const unknown = await (await post('/oauth/token', 'grant_type=client_credentials', basic({ ...service, client_id: 'nobody' }))).json();
      expect(unknown).toEqual(wrong);
    });
  });

  describe('clients over the bus', () => {
    it('never shows the secret or its hash after creation', async () => {
      const shown = await bus<OAuthClient>(subjects.authClientsGet, { client_id: service.client_id });
      expect(shown).not.toHaveProperty('client_secret');
      expect(shown).not.toHaveProperty('secretHash');
      expect(shown).toMatchObject({ client_id: service.client_id, scope: 'read write', api_ids: ['orders'] });
      expect(service.client_secret).toMatch(/^[\w-]{43}$/);
      expect(service.client_id).toMatch(/^[0-9a-f]{32}$/);
      const stored = await db.query<{ secret_hash: Buffer }>(`SELECT secret_hash FROM "${schema}".oauth_clients WHERE client_id = $1`, [service.client_id]);
      expect(stored.rows[0]!.secret_hash).toEqual(createHash('sha256').update(service.client_secret!).digest());
    });

    it('answers a taken client_id with conflict, and invalid input with every problem', async () => {
      const taken = await busReply(subjects.authClientsCreate, { input: { client_id: service.client_id } });
      expect(taken).toMatchObject({ ok: false, error: { error: 'conflict' } });
      const invalid = await busReply(subjects.authClientsCreate, { input: { grant_types: ['implicit'], redirect_uris: ['not a uri'] } });
      expect(invalid).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
      expect((invalid as { error: { details: unknown[] } }).error.details.length).toBeGreaterThanOrEqual(2);
    });

    it('lists clients by API', async () => {
      const listed = await bus<OAuthClient[]>(subjects.authClientsList, { api_id: 'orders' });
      expect(listed.map((client) => client.client_id).sort()).toEqual([service.client_id, webApp.client_id].sort());
    });

    it('rotates a secret: the old one stops working at once (cache invalidated), the new one works', async () => {
      const client = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, { input: { client_name: 'rotating', grant_types: ['client_credentials'] } });
      await clientCredentials(client); // now cached
      const rotated = await bus<OAuthClientWithSecret>(subjects.authClientsRotateSecret, { client_id: client.client_id });
      expect(rotated.client_secret).not.toBe(client.client_secret);
      expect((await post('/oauth/token', 'grant_type=client_credentials', basic(client))).status).toBe(401);
      await clientCredentials(rotated);
    });

    it('deletes a client and revokes its tokens', async () => {
      const doomed = await bus<OAuthClientWithSecret>(subjects.authClientsCreate, { input: { client_name: 'doomed', grant_types: ['client_credentials'] } });
      const tokens = await clientCredentials(doomed);
      const jti = (await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(as.jwks_uri!)))).payload.jti;
      await bus(subjects.authClientsDelete, { client_id: doomed.client_id });
      expect((await introspect(tokens.access_token)).active).toBe(false);
      await eventually(() => events.revoked.find((event) => event.jti === jti), 'auth.token.revoked on delete');
      expect((await post('/oauth/token', 'grant_type=client_credentials', basic(doomed))).status).toBe(401);
      expect(await busReply(subjects.authClientsGet, { client_id: doomed.client_id })).toMatchObject({ ok: false, error: { error: 'not_found' } });
    });

    it('revokes over the bus (Tyk revoke / revoke_all) only with the client’s secret', async () => {
      const tokens = await clientCredentials(service);
      expect(await busReply(subjects.authTokensRevoke, { client_id: service.client_id, client_secret: 'wrong', token: tokens.access_token })).toMatchObject({
        ok: false,
        error: { error: 'unauthorized' },
      });
      expect((await introspect(tokens.access_token)).active).toBe(true);
      expect(await bus(subjects.authTokensRevoke, { client_id: service.client_id, client_secret: service.client_secret, token: tokens.access_token })).toEqual({
        revoked: true,
      });
      expect((await introspect(tokens.access_token)).active).toBe(false);
      const more = await clientCredentials(other);
      const all = await bus<{ revoked: number }>(subjects.authTokensRevokeAll, { client_id: other.client_id, client_secret: other.client_secret });
      expect(all.revoked).toBeGreaterThanOrEqual(1);
      expect((await introspect(more.access_token)).active).toBe(false);
    });
  });

  describe('signing key rotation', () => {
    it('signs with the new key at once, keeps the old one published, and announces the rotation', async () => {
      const before = await clientCredentials(service);
      const oldKid = decodeProtectedHeader(before.access_token).kid!;
      const { kid } = await bus<{ kid: string }>(subjects.authKeysRotate, {});
      expect(kid).not.toBe(oldKid);
      await eventually(() => events.rotated.find((event) => event.kid === kid), 'auth.keys.rotated');
      const after = await clientCredentials(service);
      expect(decodeProtectedHeader(after.access_token).kid).toBe(kid);
      const jwks = (await (await fetch(as.jwks_uri!)).json()) as JSONWebKeySet;
      expect(jwks.keys.map((key) => key.kid)).toEqual(expect.arrayContaining([kid, oldKid]));
      const local = createLocalJWKSet(jwks);
      for (const token of [before.access_token, after.access_token]) await jwtVerify(token, local, { issuer: as.issuer, typ: 'at+jwt' });
      expect((await introspect(before.access_token)).active).toBe(true);
      // One active key per algorithm: ES256 signs access tokens, RS256 (and ES256) ID Tokens.
      const active = await db.query(`SELECT id, alg FROM "${schema}".signing_keys WHERE retired_at IS NULL ORDER BY alg`);
      expect(active.rows).toEqual([
        { id: kid, alg: 'ES256' },
        { id: expect.any(String), alg: 'RS256' },
      ]);
      expect(jwks.keys.find((key) => key.kid === active.rows[1].id)).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    });

    it('rotates on schedule on one replica, and the other replica follows from the shared table', async () => {
      // A second replica on the same schema whose keys are due every 3.6 s: it rotates at start.
      const config = loadAuthConfig({
        AUTH_PORT: '0',
        HOST: '127.0.0.1',
        ADMIN_SECRET: 'auth-oauth-int-secret-' + tag,
        LOG_LEVEL: 'silent',
        SIGNING_KEY_ROTATION_HOURS: '0.001',
        AUTH_ISSUER: auth.url,
      });
      const before = await db.query<{ id: string }>(`SELECT id FROM "${schema}".signing_keys WHERE retired_at IS NULL AND alg = 'ES256'`);
      const transport = createBusTransport({
        kind: 'nats',
        servers: [testServices.natsUrl],
        subjectPrefix: testServices.subjectPrefix,
        name: `auth-oauth-int-replica-${tag}`,
      });
      const replica = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
      try {
        const rotated = await eventually(() => events.rotated.find((event) => event.kid !== before.rows[0]!.id), 'a scheduled rotation');
        // The first replica signs with whatever the table says is active once it has heard.
        await eventually(
          async () => {
            const tokens = await clientCredentials(service);
            const active = await db.query<{ id: string }>(`SELECT id FROM "${schema}".signing_keys WHERE retired_at IS NULL AND alg = 'ES256'`);
            const kid = decodeProtectedHeader(tokens.access_token).kid;
            return kid !== before.rows[0]!.id && active.rows.some((row) => row.id === kid) ? true : undefined;
          },
          'the first replica to sign with the new key',
          // Each rotation generates an RSA key as well as the EC one: on a loaded two-core machine (load
          // average 18 when this timed out at 5 s, twice) that alone can take seconds.
          20_000,
        );
        expect(rotated.kid).not.toBe(before.rows[0]!.id);
        const active = await db.query(`SELECT alg FROM "${schema}".signing_keys WHERE retired_at IS NULL ORDER BY alg`);
        expect(active.rows).toEqual([{ alg: 'ES256' }, { alg: 'RS256' }]);
      } finally {
        await replica.close();
      }
    });

    it('drops a retired key only once no access token issued before its retirement is unexpired (an ID Token expires with its access token)', async () => {
      const dataSource = await openDatabase({
        url: testServices.databaseUrl,
        schema,
        entities: authEntities,
        migrations: authMigrations,
        poolSize: 1,
        applicationName: 'auth-oauth-int-store',
      });
      try {
        const store = new SigningKeyStore(dataSource);
        // An RS256 key retired half an hour ago: it signed ID Tokens only, so no access token names it.
        const kid = `retired-rs256-${tag}`;
        const publicJwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' });
        await db.query(
          `INSERT INTO "${schema}".signing_keys (id, alg, public_jwk, private_key_encrypted, created_at, retired_at)
           VALUES ($1, 'RS256', $2, 'v1.a.b.c', now() - interval '1 hour', now() - interval '30 minutes')`,
          [kid, JSON.stringify(publicJwk)],
        );
        // An opaque access token issued before that, unexpired: the ID Token beside it may still be checked.
        const jti = `before-retirement-${tag}`;
        await db.query(
          `INSERT INTO "${schema}".access_tokens (jti, client_id, sub, scope, api_ids, kid, token_hash, policy_ids, family_id, iat, exp, revoked_at)
           VALUES ($1, 'c', 's', 'openid', '[]', NULL, NULL, '[]', NULL, now() - interval '40 minutes', now() + interval '1 hour', NULL)`,
          [jti],
        );
        const kept = async () => (await db.query(`SELECT id FROM "${schema}".signing_keys WHERE id = $1`, [kid])).rows.length;
        await store.dropRetired(300);
        expect(await kept()).toBe(1);
        await db.query(`UPDATE "${schema}".access_tokens SET exp = now() - interval '1 second' WHERE jti = $1`, [jti]);
        await store.dropRetired(300);
        expect(await kept()).toBe(0);
      } finally {
        await dataSource.destroy();
      }
    });
  });
});

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
