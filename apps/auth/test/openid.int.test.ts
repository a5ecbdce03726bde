import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type RequestOf, type RequestSubject, type ReplyOf, type UserSummary } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createHash, randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { firstValueFrom, timeout } from 'rxjs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

/**
 * The auth service as an OpenID Provider, driven by oauth4webapi (the protocol layer of openid-client)
 * as the relying party in its strict default mode. Tests are named after the OpenID conformance suite's
 * oidcc-basic checks they mirror.
 */
const schema = `auth_openid_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const redirectUri = 'http://rp.test/callback';
const password = 'correct horse battery staple';
const insecure = { [oauth.allowInsecureRequests]: true } as const;

function hiddenFields(page: string): Record<string, string> {
  const unescape = (value: string) =>
    value
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&#96;/g, '`')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return Object.fromEntries([...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}

describeWithServices('OpenID Provider (PostgreSQL + NATS, real HTTP, oauth4webapi as the RP)', () => {
  let auth: RunningService;
  let caller: BusTransport;
  let as: oauth.AuthorizationServer;
  let rp: OAuthClientWithSecret;
  let user: UserSummary;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  const client = (): oauth.Client => ({ client_id: rp.client_id });
  const clientAuth = () => oauth.ClientSecretBasic(rp.client_secret!);

  async function value<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<ReplyOf<S>> {
    const reply = await firstValueFrom(caller.client.send<Reply<ReplyOf<S>>>(subject, payload).pipe(timeout(10_000)));
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  /** Signs in through the login page and returns the token endpoint's raw response. */
  async function codeFlow(options: { scope?: string; nonce?: string } = {}): Promise<{ response: Response; verifier: string; signedInAt: number }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint!);
    const parameters: Record<string, string> = {
      response_type: 'code',
      client_id: rp.client_id,
      redirect_uri: redirectUri,
      scope: options.scope ?? 'openid profile email',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    if (options.nonce !== undefined) parameters.nonce = options.nonce;
    for (const [name, parameter] of Object.entries(parameters)) url.searchParams.set(name, parameter);
    const pageResponse = await fetch(url, { redirect: 'manual' });
    const fields = hiddenFields(await pageResponse.text());
    const cookie = (pageResponse.headers.get('set-cookie') ?? '').split(';', 1)[0]!;
    const signedInAt = Math.floor(Date.now() / 1000);
    const approved = await fetch(as.authorization_endpoint!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ ...fields, username: `olivia-${tag}`, password, decision: 'approve' }),
    });
    expect(approved.status).toBe(302);
    const callback = oauth.validateAuthResponse(as, client(), new URL(approved.headers.get('location')!), state);
    const response = await oauth.authorizationCodeGrantRequest(as, client(), clientAuth(), callback, redirectUri, verifier, insecure);
    return { response, verifier, signedInAt };
  }

  beforeAll(async () => {
    await db.connect();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'openid-int-test-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-openid-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-openid-caller-${tag}`,
    });
    await caller.client.connect();
    const issuer = new URL(auth.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    rp = await value(subjects.authClientsCreate, {
      input: { client_name: 'RP', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email read' },
    });
    user = await value(subjects.authUsersCreate, { username: `olivia-${tag}`, password });
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('oidcc-server: the code flow with PKCE and a nonce yields an ID Token the RP accepts', async () => {
    const nonce = oauth.generateRandomNonce();
    const { response, signedInAt } = await codeFlow({ nonce });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client(), response, { expectedNonce: nonce, requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims).toMatchObject({ iss: auth.url, sub: user.id, aud: rp.client_id, nonce, amr: ['pwd'] });
    expect(claims.auth_time).toBeGreaterThanOrEqual(signedInAt - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
    expect(claims.exp).toBeGreaterThan(claims.iat);
    // at_hash binds the access token: the left half of its SHA-256 (ES256), base64url.
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as Record<string, unknown>;
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    const jwks = (await (await fetch(as.jwks_uri!)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toContain(header.kid);
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const { response } = await codeFlow();
    const tokens = await oauth.processAuthorizationCodeResponse(as, client(), response, { requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.sub).toBe(user.id);
    expect(claims.nonce).toBeUndefined();
  });

  it('issues no ID Token when openid was not granted', async () => {
    const { response } = await codeFlow({ scope: 'read' });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client(), response);
    expect(tokens.id_token).toBeUndefined();
  });

  it('oidcc-refresh-token: a refresh returns a new ID Token with the same sub and auth_time, and no nonce', async () => {
    const nonce = oauth.generateRandomNonce();
    const first = await oauth.processAuthorizationCodeResponse(as, client(), (await codeFlow({ nonce })).response, { expectedNonce: nonce });
    const firstClaims = oauth.getValidatedIdTokenClaims(first)!;
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client(),
      await oauth.refreshTokenGrantRequest(as, client(), clientAuth(), first.refresh_token!, insecure),
    );
    const claims = oauth.getValidatedIdTokenClaims(refreshed)!;
    expect(refreshed.id_token).not.toBe(first.id_token);
    expect(claims).toMatchObject({ iss: auth.url, sub: user.id, aud: rp.client_id, auth_time: firstClaims.auth_time });
    expect(claims.nonce).toBeUndefined();
    const digest = createHash('sha256').update(refreshed.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
  });
  /** A fresh sign-in's tokens, checked by the RP. */
  async function signIn(scope = 'openid profile email'): Promise<oauth.TokenEndpointResponse> {
    const { response } = await codeFlow({ scope });
    return oauth.processAuthorizationCodeResponse(as, client(), response);
  }

  function postUserinfo(body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(as.userinfo_endpoint!, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(body),
    });
  }

  /** The RFC 6750 refusal: status, the JSON error and the Bearer challenge naming it. */
  async function expectRefusal(response: Response, status: number, error: string | undefined): Promise<void> {
    expect(response.status).toBe(status);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge).toMatch(/^Bearer realm="portcullis"/);
    if (error === undefined) expect(challenge).not.toContain('error=');
    else {
      expect(challenge).toContain(`error="${error}"`);
      expect(await response.json()).toMatchObject({ error });
    }
  }

  it('oidcc-userinfo-get: the RP reads sub and the profile claims with GET and the Authorization header', async () => {
    const tokens = await signIn();
    const response = await oauth.userInfoRequest(as, client(), tokens.access_token, insecure);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const info = await oauth.processUserInfoResponse(as, client(), user.id, response);
    expect(info).toEqual({ sub: user.id, preferred_username: `olivia-${tag}`, name: `olivia-${tag}`, updated_at: expect.any(Number) });
  });

  it('oidcc-userinfo-post-header: POST with the Authorization header', async () => {
    const tokens = await signIn('openid');
    const response = await fetch(as.userinfo_endpoint!, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
    // Without the profile scope only sub is told.
    expect(await oauth.processUserInfoResponse(as, client(), user.id, response)).toEqual({ sub: user.id });
  });

  it('oidcc-userinfo-post-body: POST with access_token in the form body', async () => {
    const tokens = await signIn();
    const response = await postUserinfo({ access_token: tokens.access_token });
    expect(await oauth.processUserInfoResponse(as, client(), user.id, response)).toMatchObject({ sub: user.id, preferred_username: `olivia-${tag}` });
  });

  it('refuses an ID Token presented as the access token (invalid_token)', async () => {
    const tokens = await signIn();
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.id_token}` } }), 401, 'invalid_token');
    await expectRefusal(await postUserinfo({ access_token: tokens.id_token! }), 401, 'invalid_token');
  });

  it('refuses a revoked access token (invalid_token)', async () => {
    const tokens = await signIn();
    const revoked = await oauth.revocationRequest(as, client(), clientAuth(), tokens.access_token, insecure);
    await oauth.processRevocationResponse(revoked);
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 401, 'invalid_token');
  });

  it('refuses an access token without openid (insufficient_scope), no token, and a malformed header', async () => {
    const tokens = await signIn('read');
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 403, 'insufficient_scope');
    // RFC 6750 §3.1: no credentials at all is a challenge without an error code.
    await expectRefusal(await fetch(as.userinfo_endpoint!), 401, undefined);
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: 'Basic b2xpdmlhOnNlY3JldA==' } }), 400, 'invalid_request');
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: 'Bearer two words' } }), 400, 'invalid_request');
    await expectRefusal(await fetch(as.userinfo_endpoint!, { headers: { authorization: 'Bearer not-a-token-of-ours' } }), 401, 'invalid_token');
    // Two ways at once is one too many (RFC 6750 §2).
    const both = await signIn();
    await expectRefusal(await postUserinfo({ access_token: both.access_token }, { authorization: `Bearer ${both.access_token}` }), 400, 'invalid_request');
  });
  it('oidcc-discovery-endpoint-verification: each advertised endpoint answers, each advertised alg, scope and claim is served', async () => {
    const metadata = (await (await fetch(`${auth.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: auth.url,
      userinfo_endpoint: `${auth.url}/oauth/userinfo`,
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'form_post'],
      // Served: oauth4webapi then requires iss on each callback below (RFC 9207).
      authorization_response_iss_parameter_supported: true,
    });
    // Every endpoint exists: an unauthenticated, empty request is refused by it, never a 404 or a 5xx.
    const endpoints = Object.entries(metadata).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
    expect(endpoints.map(([name]) => name).sort()).toEqual(
      [
        'authorization_endpoint',
        'end_session_endpoint',
        'introspection_endpoint',
        'jwks_uri',
        'registration_endpoint',
        'revocation_endpoint',
        'token_endpoint',
        'userinfo_endpoint',
      ].sort(),
    );
    for (const [name, url] of endpoints) {
      const method = ['authorization_endpoint', 'jwks_uri', 'userinfo_endpoint', 'end_session_endpoint'].includes(name) ? 'GET' : 'POST';
      const response = await fetch(url as string, { method, redirect: 'manual' });
      expect([200, 400, 401], `${name} ${method}`).toContain(response.status);
    }
    // Each advertised scope is grantable together, and the ID Token and userinfo between them serve every advertised claim.
    const scopes = metadata.scopes_supported as string[];
    const nonce = oauth.generateRandomNonce();
    const { response } = await codeFlow({ scope: scopes.join(' '), nonce });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client(), response, { expectedNonce: nonce });
    expect(tokens.scope!.split(' ').sort()).toEqual([...scopes].sort());
    const idToken = oauth.getValidatedIdTokenClaims(tokens)!;
    const header = JSON.parse(Buffer.from(tokens.id_token!.split('.')[0]!, 'base64url').toString()) as { alg: string };
    expect(metadata.id_token_signing_alg_values_supported).toContain(header.alg);
    const info = await oauth.processUserInfoResponse(as, client(), user.id, await oauth.userInfoRequest(as, client(), tokens.access_token, insecure));
    const served = new Set([...Object.keys(idToken), ...Object.keys(info)]);
    expect((metadata.claims_supported as string[]).filter((claim) => !served.has(claim))).toEqual([]);
  });
});
