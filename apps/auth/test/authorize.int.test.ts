import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type RequestOf, type RequestSubject, type ReplyOf, type UserSummary } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

const schema = `auth_authorize_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const redirectUri = 'http://app.test/callback';
const password = 'correct horse battery staple';
// oauth4webapi refuses plain HTTP unless told; everything else stays in its strict default mode.
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** The hidden fields of the login form, unescaped as a browser would. */
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

function cookieOf(response: Response): string {
  const setCookie = response.headers.get('set-cookie') ?? '';
  return setCookie.split(';', 1)[0]!;
}

describeWithServices('authorization endpoint (PostgreSQL + NATS, real HTTP)', () => {
  let auth: RunningService;
  let caller: BusTransport;
  let as: oauth.AuthorizationServer;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });
  let web: OAuthClientWithSecret;
  let spa: OAuthClientWithSecret;
  let user: UserSummary;

  async function request<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<Reply<ReplyOf<S>>> {
    return firstValueFrom(caller.client.send<Reply<ReplyOf<S>>>(subject, payload).pipe(timeout(10_000)));
  }

  async function value<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<ReplyOf<S>> {
    const reply = await request(subject, payload);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  async function codeCount(): Promise<number> {
    const result = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".authorization_codes`);
    return Number(result.rows[0]!.n);
  }

  /** GETs the login page for an authorization URL; returns the page, its CSRF cookie and the form's fields. */
  async function openLoginPage(url: URL): Promise<{ response: Response; page: string; cookie: string; fields: Record<string, string> }> {
    const response = await fetch(url, { redirect: 'manual' });
    const page = await response.text();
    return { response, page, cookie: cookieOf(response), fields: hiddenFields(page) };
  }

  function submit(fields: Record<string, string>, cookie: string | undefined, url = `${auth.url}/oauth/authorize`): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
      body: new URLSearchParams(fields),
    });
  }

  function authorizeUrl(parameters: Record<string, string>): URL {
    const url = new URL(as.authorization_endpoint!);
    for (const [name, parameter] of Object.entries(parameters)) url.searchParams.set(name, parameter);
    return url;
  }

  beforeAll(async () => {
    await db.connect();
    const config = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'authorize-int-test-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-authorize-${tag}`,
    });
    auth = await createAuthApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-authorize-caller-${tag}`,
    });
    await caller.client.connect();
    // RFC 8414 discovery, as a client would start; oauth4webapi checks the document's issuer.
    const issuer = new URL(auth.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }));
    expect(as.authorization_endpoint).toBe(`${auth.url}/oauth/authorize`);
    web = await value(subjects.authClientsCreate, {
      input: { client_name: 'Web <App>', redirect_uris: [redirectUri], grant_types: ['authorization_code', 'refresh_token'], scope: 'read write' },
    });
    spa = await value(subjects.authClientsCreate, {
      input: { client_name: 'SPA', redirect_uris: [redirectUri, 'http://app.test/other'], token_endpoint_auth_method: 'none', scope: 'read' },
    });
    user = await value(subjects.authUsersCreate, { username: `alice-${tag}`, password });
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  describe('users over the bus', () => {
    it('stores only a scrypt hash of the password', async () => {
      const stored = await db.query<{ password_hash: string }>(`SELECT password_hash FROM "${schema}".users WHERE id = $1`, [user.id]);
      expect(stored.rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
      expect(stored.rows[0]!.password_hash).not.toContain(password);
    });

    it('lists users without their hashes, refuses a taken username, deletes by id', async () => {
      const bob = await value(subjects.authUsersCreate, { username: `bob-${tag}`, password: 'another password' });
      const listed = await value(subjects.authUsersList, {});
      expect(listed.map((u) => u.username)).toEqual(expect.arrayContaining([`alice-${tag}`, `bob-${tag}`]));
      expect(JSON.stringify(listed)).not.toContain('scrypt');
      const taken = await request(subjects.authUsersCreate, { username: `bob-${tag}`, password: 'whatever123' });
      expect(taken).toMatchObject({ ok: false, error: { error: 'conflict' } });
      const weak = await request(subjects.authUsersCreate, { username: `carol-${tag}`, password: 'short' });
      expect(weak).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'password' }] } });
      expect(await value(subjects.authUsersDelete, { id: bob.id })).toEqual({ id: bob.id });
      expect(await request(subjects.authUsersDelete, { id: bob.id })).toMatchObject({ ok: false, error: { error: 'not_found' } });
    });
  });

  it('runs the whole code flow with PKCE: page, login, consent, redirect with code, state and iss, token', async () => {
    const client: oauth.Client = { client_id: web.client_id };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const url = authorizeUrl({
      response_type: 'code',
      client_id: web.client_id,
      redirect_uri: redirectUri,
      scope: 'read',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });

    const { response, page, cookie, fields } = await openLoginPage(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' http://app.test");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Lax/);
    expect(page).toContain('Web &lt;App&gt;');
    expect(page).not.toContain('<script');
    expect(fields).toMatchObject({ client_id: web.client_id, redirect_uri: redirectUri, state, scope: 'read', code_challenge_method: 'S256' });

    const approved = await submit({ ...fields, username: `alice-${tag}`, password, decision: 'approve' }, cookie);
    expect(approved.status).toBe(302);
    expect(approved.headers.get('cache-control')).toBe('no-store');
    const location = new URL(approved.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
    const callback = oauth.validateAuthResponse(as, client, location, state);
    expect(callback.get('iss')).toBe(auth.url);

    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(web.client_secret!),
      callback,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse);
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('read');
    const [, payload] = tokens.access_token.split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({ sub: user.id, client_id: web.client_id, iss: auth.url });
  });

  it('shows an error page, never a redirect, for an unknown client or a redirect URI that is not registered', async () => {
    const unknown = await fetch(authorizeUrl({ response_type: 'code', client_id: 'no-such-client', redirect_uri: redirectUri, state: 's' }), {
      redirect: 'manual',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(await unknown.text()).toContain('not registered');

    for (const wrong of ['http://evil.test/callback', `${redirectUri}/`, `${redirectUri}?x=1`]) {
      const response = await fetch(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: wrong, state: 's' }), { redirect: 'manual' });
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(await response.text()).toContain('redirect_uri');
    }
  });

  it('answers a public client without PKCE by redirect with invalid_request, state and iss', async () => {
    const response = await fetch(authorizeUrl({ response_type: 'code', client_id: spa.client_id, redirect_uri: redirectUri, state: 'st<1>' }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', state: 'st<1>', iss: auth.url });
    expect(() => oauth.validateAuthResponse(as, { client_id: spa.client_id }, location, 'st<1>')).toThrow(oauth.AuthorizationResponseError);
  });

  it('treats repeated parameters as errors (RFC 6749 §3.1): on the page for client_id, by redirect without state otherwise', async () => {
    const base = `${as.authorization_endpoint}?response_type=code&redirect_uri=${encodeURIComponent(redirectUri)}`;
    const twoClients = await fetch(`${base}&client_id=${web.client_id}&client_id=${spa.client_id}&state=a`, { redirect: 'manual' });
    expect(twoClients.status).toBe(400);
    expect(twoClients.headers.get('location')).toBeNull();
    const twoStates = await fetch(`${base}&client_id=${web.client_id}&state=a&state=b`, { redirect: 'manual' });
    expect(twoStates.status).toBe(302);
    const location = new URL(twoStates.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('state')).toBe(false);
  });

  it('answers unsupported response types and scopes by redirect', async () => {
    const token = await fetch(authorizeUrl({ response_type: 'token', client_id: web.client_id, redirect_uri: redirectUri, state: 'a' }), {
      redirect: 'manual',
    });
    expect(new URL(token.headers.get('location')!).searchParams.get('error')).toBe('unsupported_response_type');
    const scope = await fetch(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, scope: 'admin', state: 'a' }), {
      redirect: 'manual',
    });
    expect(new URL(scope.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses the form with a missing or wrong CSRF token (403 page), and issues no code', async () => {
    const before = await codeCount();
    const { cookie, fields } = await openLoginPage(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, state: 'x' }));
    const credentials = { username: `alice-${tag}`, password, decision: 'approve' };
    const { csrf_token: _token, ...withoutToken } = fields;

    const noCookie = await submit({ ...fields, ...credentials }, undefined);
    const noField = await submit({ ...withoutToken, ...credentials }, cookie);
    const other = await openLoginPage(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri }));
    const mismatched = await submit({ ...fields, ...credentials }, other.cookie);
    const forged = await submit({ ...fields, csrf_token: 'forged.1.x', ...credentials }, 'portcullis_authorize_csrf=forged.1.x');
    for (const response of [noCookie, noField, mismatched, forged]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('location')).toBeNull();
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    }
    expect(await codeCount()).toBe(before);
  });

  it('shows the page again (200, with an error) for a wrong password or unknown user, and issues no code', async () => {
    const before = await codeCount();
    const { cookie, fields } = await openLoginPage(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, state: 'x' }));
    for (const credentials of [
      { username: `alice-${tag}`, password: 'wrong password' },
      { username: 'nobody', password },
    ]) {
      const response = await submit({ ...fields, ...credentials, decision: 'approve' }, cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get('location')).toBeNull();
      const page = await response.text();
      expect(page).toContain('The username or password is incorrect.');
      expect(hiddenFields(page).csrf_token).toBe(fields.csrf_token);
    }
    expect(await codeCount()).toBe(before);
  });

  it('acts only on an explicit decision: without Allow or Deny the page asks again and no code is issued', async () => {
    const before = await codeCount();
    const { cookie, fields } = await openLoginPage(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, state: 'x' }));
    const response = await submit({ ...fields, username: `alice-${tag}`, password }, cookie);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Choose Allow or Deny.');
    expect(await codeCount()).toBe(before);
  });

  it('redirects with access_denied when the user denies', async () => {
    const { cookie, fields } = await openLoginPage(
      authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri, state: 'deny-me' }),
    );
    const response = await submit({ ...fields, decision: 'deny' }, cookie);
    expect(response.status).toBe(302);
    expect(Object.fromEntries(new URL(response.headers.get('location')!).searchParams)).toMatchObject({
      error: 'access_denied',
      state: 'deny-me',
      iss: auth.url,
    });
  });

  it('re-checks the request on POST: an altered redirect URI in the form is refused on the page', async () => {
    const { cookie, fields } = await openLoginPage(authorizeUrl({ response_type: 'code', client_id: web.client_id, redirect_uri: redirectUri }));
    const response = await submit({ ...fields, redirect_uri: 'http://evil.test/cb', username: `alice-${tag}`, password, decision: 'approve' }, cookie);
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });

  it("approves Tyk's authorize-client over the bus: a code and where to send the user agent", async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const reply = await value(subjects.authAuthorizeClient, {
      api_id: 'orders',
      response_type: 'code',
      client_id: spa.client_id,
      redirect_uri: 'http://app.test/other',
      state: 'tyk-state',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      sub: 'user-from-app',
    });
    const location = new URL(reply.redirect_to);
    expect(location.searchParams.get('code')).toBe(reply.code);
    expect(location.searchParams.get('state')).toBe('tyk-state');
    const client: oauth.Client = { client_id: spa.client_id, token_endpoint_auth_method: 'none' };
    const callback = oauth.validateAuthResponse(as, client, location, 'tyk-state');
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), callback, 'http://app.test/other', verifier, insecure),
    );
    expect(JSON.parse(Buffer.from(tokens.access_token.split('.')[1]!, 'base64url').toString())).toMatchObject({ sub: 'user-from-app' });

    const wrongRedirect = await request(subjects.authAuthorizeClient, {
      api_id: 'orders',
      response_type: 'code',
      client_id: spa.client_id,
      redirect_uri: 'http://evil.test/',
    });
    expect(wrongRedirect).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'redirect_uri' }] } });
    const noPkce = await request(subjects.authAuthorizeClient, {
      api_id: 'orders',
      response_type: 'code',
      client_id: spa.client_id,
      redirect_uri: redirectUri,
    });
    expect(noPkce).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
  });
});
