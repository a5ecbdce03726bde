import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type OAuthClientWithSecret, type Reply, type RequestOf, type RequestSubject, type ReplyOf, type UserSummary } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import { createHash, randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import pg from 'pg';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createAuthApp, loadAuthConfig } from '../src/index.js';

/**
 * The auth service as an OpenID Provider, with openid-client (strict, its defaults) as the relying
 * party: discovery, the code flow with PKCE and a nonce, ID Tokens verified against the JWKS
 * (non-repudiation checks on), userinfo, refresh. A browser's part (the login page, the approval) is
 * driven over HTTP. Tests are named after the OpenID conformance suite's oidcc-basic checks they mirror.
 */
const schema = `auth_openid_${randomBytes(6).toString('hex')}`;
const tag = randomBytes(4).toString('hex');
const redirectUri = 'http://rp.test/callback';
const password = 'correct horse battery staple';

/** Every OpenID Connect standard claim (OIDC Core §5.1) an admin can set. */
const profileClaims = {
  name: 'Olivia Quinn Martin',
  given_name: 'Olivia',
  family_name: 'Martin',
  middle_name: 'Quinn',
  nickname: 'Liv',
  preferred_username: 'liv',
  profile: 'https://people.example/olivia',
  picture: 'https://people.example/olivia.png',
  website: 'https://olivia.example',
  gender: 'female',
  birthdate: '1990-04-01',
  zoneinfo: 'Europe/Paris',
  locale: 'fr-FR',
};
const emailClaims = { email: 'olivia@example.com', email_verified: true };
const addressClaims = {
  address: { formatted: '1 rue de la Paix\n75002 Paris\nFrance', street_address: '1 rue de la Paix', locality: 'Paris', postal_code: '75002', country: 'FR' },
};
const phoneClaims = { phone_number: '+33612345678', phone_number_verified: false };
const allClaims = { ...profileClaims, ...emailClaims, ...addressClaims, ...phoneClaims };

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

function headerOf(jwt: string): Record<string, unknown> {
  return decodeProtectedHeader(jwt) as Record<string, unknown>;
}

describeWithServices('OpenID Provider: oidcc-basic checks (PostgreSQL + NATS, real HTTP, openid-client as the RP)', () => {
  let auth: RunningService;
  let caller: BusTransport;
  /** A client registered without id_token_signed_response_alg (RS256 then), client_secret_basic. */
  let rp: OAuthClientWithSecret;
  /** One registered for ES256 ID Tokens. */
  let esRp: OAuthClientWithSecret;
  /** One that authenticates with client_secret_post. */
  let postRp: OAuthClientWithSecret;
  /** A user with every standard claim, and one with nothing but a username. */
  let olivia: UserSummary;
  let plain: UserSummary;
  const db = new pg.Client({ connectionString: testServices.databaseUrl });

  async function value<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<ReplyOf<S>> {
    const reply = await send(subject, payload);
    if (!reply.ok) throw new Error(`${subject}: ${JSON.stringify(reply.error)}`);
    return reply.value;
  }

  function send<S extends RequestSubject>(subject: S, payload: RequestOf<S>): Promise<Reply<ReplyOf<S>>> {
    return firstValueFrom(caller.client.send<Reply<ReplyOf<S>>>(subject, payload).pipe(timeout(10_000)));
  }

  async function configFor(client: OAuthClientWithSecret, metadata: Partial<oidc.ClientMetadata> = {}, post = false): Promise<oidc.Configuration> {
    const secret = client.client_secret!;
    const config = await oidc.discovery(
      new URL(auth.url),
      client.client_id,
      { client_secret: secret, ...metadata },
      post ? oidc.ClientSecretPost(secret) : oidc.ClientSecretBasic(secret),
      { execute: [oidc.allowInsecureRequests] },
    );
    // The ID Token's signature is checked against the JWKS too (openid-client skips it over TLS otherwise).
    oidc.enableNonRepudiationChecks(config);
    return config;
  }

  /** The browser's part: the authorization request, the login page, the approval; the callback URL. */
  async function signInAt(config: oidc.Configuration, parameters: Record<string, string>, username: string): Promise<URL> {
    const page = await fetch(oidc.buildAuthorizationUrl(config, { response_type: 'code', redirect_uri: redirectUri, ...parameters }), { redirect: 'manual' });
    if (page.status !== 200) return new URL(page.headers.get('location')!);
    const fields = hiddenFields(await page.text());
    const cookie = (page.headers.get('set-cookie') ?? '').split(';', 1)[0]!;
    const approved = await fetch(config.serverMetadata().authorization_endpoint!, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ ...fields, username, password, decision: 'approve' }),
    });
    expect(approved.status).toBe(302);
    return new URL(approved.headers.get('location')!);
  }

  interface Flow {
    scope?: string;
    nonce?: boolean;
    claims?: unknown;
    username?: string;
  }

  /** The code flow with PKCE (and a nonce unless told not to), as openid-client runs and checks it. */
  async function codeFlow(config: oidc.Configuration, flow: Flow = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = flow.nonce === false ? undefined : oidc.randomNonce();
    const parameters: Record<string, string> = {
      scope: flow.scope ?? 'openid',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    if (nonce !== undefined) parameters.nonce = nonce;
    if (flow.claims !== undefined) parameters.claims = JSON.stringify(flow.claims);
    const signedInAt = Math.floor(Date.now() / 1000);
    const callback = await signInAt(config, parameters, flow.username ?? olivia.username);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    return { tokens, claims: tokens.claims()!, nonce, signedInAt };
  }

  let config: oidc.Configuration;

  beforeAll(async () => {
    await db.connect();
    const authConfig = loadAuthConfig({ AUTH_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: 'openid-int-test-secret-' + tag, LOG_LEVEL: 'silent' });
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-openid-${tag}`,
    });
    auth = await createAuthApp(authConfig, { transport, database: { url: testServices.databaseUrl, schema } });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `auth-openid-caller-${tag}`,
    });
    await caller.client.connect();
    const input = {
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'] as const,
      scope: 'openid profile email address phone read',
    };
    rp = await value(subjects.authClientsCreate, { input: { ...input, client_name: 'RP', grant_types: [...input.grant_types] } });
    esRp = await value(subjects.authClientsCreate, {
      input: { ...input, client_name: 'ES256 RP', grant_types: [...input.grant_types], id_token_signed_response_alg: 'ES256' },
    });
    postRp = await value(subjects.authClientsCreate, {
      input: { ...input, client_name: 'Post RP', grant_types: [...input.grant_types], token_endpoint_auth_method: 'client_secret_post' },
    });
    olivia = await value(subjects.authUsersCreate, { username: `olivia-${tag}`, password, claims: allClaims });
    plain = await value(subjects.authUsersCreate, { username: `plain-${tag}`, password });
    config = await configFor(rp);
  });

  afterAll(async () => {
    await auth?.close();
    await caller?.client.close();
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await db.end();
  });

  it('oidcc-server: the code flow with PKCE and a nonce yields an RS256 ID Token, verified against the JWKS, and userinfo answers', async () => {
    const { tokens, claims, nonce, signedInAt } = await codeFlow(config, { scope: 'openid profile' });
    // RS256 is every client's default (OIDC DCR §2); the key is an RSA key of 2048 bits or more in the JWKS.
    const header = headerOf(tokens.id_token!);
    expect(header).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    const jwks = (await (await fetch(config.serverMetadata().jwks_uri!)).json()) as JSONWebKeySet;
    const key = jwks.keys.find((candidate) => candidate.kid === header.kid)!;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(Buffer.from(key.n!, 'base64url').length * 8).toBeGreaterThanOrEqual(2048);
    await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!)), {
      algorithms: ['RS256'],
      issuer: auth.url,
      audience: rp.client_id,
    });

    expect(claims).toMatchObject({ iss: auth.url, sub: olivia.id, aud: rp.client_id, nonce, amr: ['pwd'], acr: 'urn:portcullis:acr:password' });
    expect(claims.auth_time).toBeGreaterThanOrEqual(signedInAt - 1);
    expect(claims.auth_time).toBeLessThanOrEqual(claims.iat);
    expect(claims.exp).toBeGreaterThan(claims.iat);
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    // In the code flow the scopes' claims are userinfo's, not the ID Token's (OIDC Core §5.4).
    expect(claims).not.toHaveProperty('name');
    // The access token stays an ES256 RFC 9068 JWT whatever the ID Token's algorithm.
    expect(headerOf(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });

    const info = await oidc.fetchUserInfo(config, tokens.access_token, olivia.id);
    expect(info).toMatchObject({ sub: olivia.id, name: profileClaims.name });
  });

  it('signs the ID Tokens of a client registered with id_token_signed_response_alg ES256 with ES256', async () => {
    const es = await configFor(esRp, { id_token_signed_response_alg: 'ES256' });
    const { tokens, claims } = await codeFlow(es);
    expect(headerOf(tokens.id_token!)).toMatchObject({ alg: 'ES256', typ: 'JWT' });
    expect(claims).toMatchObject({ sub: olivia.id, aud: esRp.client_id });
    // An RP told to expect RS256 refuses the same client's ES256 ID Token: the check is real.
    const expectsRs256 = await configFor(esRp, { id_token_signed_response_alg: 'RS256' });
    const failure = (await codeFlow(expectsRs256).then(
      () => undefined,
      (error: unknown) => error,
    )) as (Error & { cause?: Error }) | undefined;
    expect(failure?.cause?.message ?? failure?.message).toMatch(/"alg"/);
  });

  it('a nonce replay is refused: the ID Token of a code carries the nonce of the request that made it, and the code is spent', async () => {
    // Two sign-ins, A then B, with their own nonce. An RP holding B's nonce that is handed A's code
    // (a replayed or injected callback) must find A's nonce in the ID Token, never the latest one.
    const request = async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const nonce = oidc.randomNonce();
      const state = oidc.randomState();
      const parameters = { scope: 'openid', state, nonce, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
      return { verifier, nonce, state, callback: await signInAt(config, parameters, olivia.username) };
    };
    const a = await request();
    const b = await request();
    expect(a.nonce).not.toBe(b.nonce);
    const replayed = await oidc
      .authorizationCodeGrant(config, a.callback, { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: b.nonce, idTokenExpected: true })
      .then(
        () => undefined,
        (error: unknown) => error as Error & { cause?: Error & { cause?: { claim?: string; expected?: string; claims?: { nonce?: string } } } },
      );
    // openid-client's error wraps oauth4webapi's, whose cause holds the ID Token's claims as received.
    expect(replayed?.cause?.message).toBe('unexpected ID Token "nonce" claim value');
    expect(replayed?.cause?.cause).toMatchObject({ claim: 'nonce', expected: b.nonce, claims: { nonce: a.nonce } });
    // The code was redeemed (the RP refused what came back): presenting it again, even with the right
    // nonce, is invalid_grant (single use, RFC 6749 §4.1.2).
    const again = await oidc
      .authorizationCodeGrant(config, a.callback, { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce, idTokenExpected: true })
      .then(
        () => undefined,
        (error: unknown) => error as Error & { error?: string },
      );
    expect(again?.error).toBe('invalid_grant');
    // B's own code still works with B's nonce.
    const tokens = await oidc.authorizationCodeGrant(config, b.callback, {
      pkceCodeVerifier: b.verifier,
      expectedState: b.state,
      expectedNonce: b.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: olivia.id, nonce: b.nonce });
  });

  it('oidcc-ensure-request-without-nonce-succeeds-for-code-flow', async () => {
    const { claims } = await codeFlow(config, { nonce: false });
    expect(claims.sub).toBe(olivia.id);
    expect(claims.nonce).toBeUndefined();
  });

  it('issues no ID Token when openid was not granted', async () => {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const callback = await signInAt(
      config,
      { scope: 'read', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
      olivia.username,
    );
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
    expect(tokens.id_token).toBeUndefined();
  });

  describe('claims by scope at userinfo (OIDC Core §5.4): those of the scopes granted, only those the user holds', () => {
    const userinfoFor = async (scope: string, username?: string) => {
      const { tokens, claims } = await codeFlow(config, { scope, username });
      return { info: await oidc.fetchUserInfo(config, tokens.access_token, claims.sub), idToken: claims };
    };
    const updatedAt = () => Math.floor(Date.parse(olivia.updated_at) / 1000);

    it('oidcc-scope-profile', async () => {
      const { info, idToken } = await userinfoFor('openid profile');
      expect(info).toEqual({ sub: olivia.id, ...profileClaims, updated_at: updatedAt() });
      for (const name of Object.keys(profileClaims)) expect(idToken).not.toHaveProperty(name);
    });

    it('oidcc-scope-email', async () => {
      expect((await userinfoFor('openid email')).info).toEqual({ sub: olivia.id, ...emailClaims });
    });

    it('oidcc-scope-address', async () => {
      expect((await userinfoFor('openid address')).info).toEqual({ sub: olivia.id, ...addressClaims });
    });

    it('oidcc-scope-phone', async () => {
      expect((await userinfoFor('openid phone')).info).toEqual({ sub: olivia.id, ...phoneClaims });
    });

    it('oidcc-scope-all', async () => {
      expect((await userinfoFor('openid profile email address phone')).info).toEqual({ sub: olivia.id, ...allClaims, updated_at: updatedAt() });
    });

    it('tells only what the user holds: a user with a username only', async () => {
      const { info } = await userinfoFor('openid profile email address phone', plain.username);
      expect(info).toEqual({ sub: plain.id, preferred_username: plain.username, updated_at: Math.floor(Date.parse(plain.updated_at) / 1000) });
    });
  });

  describe('the claims request parameter (OIDC Core §5.5)', () => {
    it('puts the claims asked for into the ID Token and userinfo, and the refreshed ID Token keeps them', async () => {
      const { tokens, claims } = await codeFlow(config, {
        scope: 'openid',
        claims: { id_token: { email: { essential: true }, name: null }, userinfo: { phone_number: null, 'urn:unknown:claim': null } },
      });
      expect(claims).toMatchObject({ email: emailClaims.email, name: profileClaims.name });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, olivia.id)).toEqual({ sub: olivia.id, phone_number: phoneClaims.phone_number });
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(refreshed.claims()).toMatchObject({ sub: olivia.id, email: emailClaims.email, name: profileClaims.name });
      expect(await oidc.fetchUserInfo(config, refreshed.access_token, olivia.id)).toEqual({ sub: olivia.id, phone_number: phoneClaims.phone_number });
    });

    it.each([
      ['not JSON', '{"userinfo":'],
      ['not an object', '["email"]'],
      ['a member that is not an object', '{"id_token":"email"}'],
      ['essential that is not a boolean', '{"userinfo":{"email":{"essential":"yes"}}}'],
    ])('answers a claims parameter that is %s with invalid_request at the redirect URI', async (_label, claims) => {
      const state = oidc.randomState();
      const page = await fetch(
        oidc.buildAuthorizationUrl(config, {
          response_type: 'code',
          redirect_uri: redirectUri,
          scope: 'openid',
          state,
          claims,
          code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        }),
        { redirect: 'manual' },
      );
      expect(page.status).toBe(302);
      const location = new URL(page.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(redirectUri);
      expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', state, iss: auth.url });
    });
  });

  describe('userinfo', () => {
    it('oidcc-userinfo-get: GET with the Authorization header', async () => {
      const { tokens } = await codeFlow(config, { scope: 'openid email' });
      const response = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ sub: olivia.id, ...emailClaims });
      expect(await oidc.fetchUserInfo(config, tokens.access_token, olivia.id)).toEqual({ sub: olivia.id, ...emailClaims });
    });

    it('oidcc-userinfo-post-header: POST with the Authorization header', async () => {
      const { tokens } = await codeFlow(config, { scope: 'openid email' });
      const response = await fetch(config.serverMetadata().userinfo_endpoint!, { method: 'POST', headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ sub: olivia.id, ...emailClaims });
    });

    it('oidcc-userinfo-post-body: POST with access_token in the form body', async () => {
      const { tokens } = await codeFlow(config, { scope: 'openid email' });
      const response = await postUserinfo({ access_token: tokens.access_token });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ sub: olivia.id, ...emailClaims });
    });

    it('refuses an ID Token presented as the access token: 401 invalid_token with the Bearer challenge', async () => {
      const { tokens } = await codeFlow(config, { scope: 'openid profile' });
      await expectRefusal(
        await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.id_token}` } }),
        401,
        'invalid_token',
      );
      await expectRefusal(await postUserinfo({ access_token: tokens.id_token! }), 401, 'invalid_token');
    });

    it('refuses a revoked access token (invalid_token)', async () => {
      const { tokens } = await codeFlow(config, { scope: 'openid profile' });
      await oidc.tokenRevocation(config, tokens.access_token);
      await expectRefusal(
        await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } }),
        401,
        'invalid_token',
      );
      await expect(oidc.fetchUserInfo(config, tokens.access_token, olivia.id)).rejects.toThrow();
    });

    it('refuses a token without openid (insufficient_scope), no token, and a malformed header', async () => {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const callback = await signInAt(
        config,
        { scope: 'read', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' },
        olivia.username,
      );
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
      const endpoint = config.serverMetadata().userinfo_endpoint!;
      await expectRefusal(await fetch(endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 403, 'insufficient_scope');
      // RFC 6750 §3.1: no credentials at all is a challenge without an error code.
      await expectRefusal(await fetch(endpoint), 401, undefined);
      await expectRefusal(await fetch(endpoint, { headers: { authorization: 'Basic b2xpdmlhOnNlY3JldA==' } }), 400, 'invalid_request');
      await expectRefusal(await fetch(endpoint, { headers: { authorization: 'Bearer not-a-token-of-ours' } }), 401, 'invalid_token');
      await expectRefusal(
        await postUserinfo({ access_token: tokens.access_token }, { authorization: `Bearer ${tokens.access_token}` }),
        400,
        'invalid_request',
      );
    });

    it('answers with the claims as they are now: an admin changes them, updated_at moves', async () => {
      const user = await value(subjects.authUsersCreate, { username: `changing-${tag}`, password, claims: { email: 'before@example.com', nickname: 'B' } });
      const { tokens } = await codeFlow(config, { scope: 'openid profile email', username: user.username });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const changed = await value(subjects.authUsersUpdate, { id: user.id, claims: { email: 'after@example.com', email_verified: true, nickname: null } });
      expect(changed).toMatchObject({ email: 'after@example.com', email_verified: true });
      expect(changed).not.toHaveProperty('nickname');
      const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
      expect(info).toEqual({
        sub: user.id,
        preferred_username: user.username,
        email: 'after@example.com',
        email_verified: true,
        updated_at: Math.floor(Date.parse(changed.updated_at) / 1000),
      });
      expect(info.updated_at).toBeGreaterThan(Math.floor(Date.parse(user.updated_at) / 1000));
    });
  });

  it('oidcc-refresh-token: refreshTokenGrant returns a new ID Token, verified, with the same sub and auth_time and no nonce', async () => {
    const { tokens, claims: first } = await codeFlow(config, { scope: 'openid profile' });
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    const claims = refreshed.claims()!;
    expect(refreshed.id_token).not.toBe(tokens.id_token);
    expect(headerOf(refreshed.id_token!)).toMatchObject({ alg: 'RS256' });
    expect(claims).toMatchObject({ iss: auth.url, sub: first.sub, aud: rp.client_id, auth_time: first.auth_time });
    expect(claims.nonce).toBeUndefined();
    const digest = createHash('sha256').update(refreshed.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
  });

  it('oidcc-server-client-secret-post: the same flow with the client authenticating by client_secret_post', async () => {
    const post = await configFor(postRp, { token_endpoint_auth_method: 'client_secret_post' }, true);
    const { tokens, claims } = await codeFlow(post, { scope: 'openid email' });
    expect(claims).toMatchObject({ sub: olivia.id, aud: postRp.client_id });
    expect(await oidc.fetchUserInfo(post, tokens.access_token, olivia.id)).toEqual({ sub: olivia.id, ...emailClaims });
  });

  it('oidcc-discovery-endpoint-verification: each advertised endpoint answers, each advertised alg, scope and claim is what is really served', async () => {
    const response = await fetch(`${auth.url}/.well-known/openid-configuration`);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: auth.url,
      userinfo_endpoint: `${auth.url}/oauth/userinfo`,
      subject_types_supported: ['public'],
      response_types_supported: ['code'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      claims_parameter_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
    expect(metadata.response_modes_supported).toContain('query');
    expect(metadata.scopes_supported).toEqual(expect.arrayContaining(['openid', 'profile', 'email', 'address', 'phone']));

    // Every endpoint exists: an unauthenticated, empty request is refused by it, never a 404 or a 5xx.
    const endpoints = Object.entries(metadata).filter(([name]) => name.endsWith('_endpoint') || name === 'jwks_uri');
    expect(endpoints.map(([name]) => name)).toEqual(expect.arrayContaining(['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']));
    for (const [name, url] of endpoints) {
      const method =
        name === 'authorization_endpoint' || name === 'jwks_uri' || name === 'userinfo_endpoint' || name === 'end_session_endpoint' ? 'GET' : 'POST';
      const answer = await fetch(url as string, { method, redirect: 'manual' });
      expect([200, 302, 303, 400, 401], `${name} ${method}`).toContain(answer.status);
    }

    // Each advertised ID Token alg signs a real ID Token, with a key of that alg in the JWKS.
    const jwks = (await (await fetch(metadata.jwks_uri as string)).json()) as JSONWebKeySet;
    const rs = await codeFlow(config);
    const es = await codeFlow(await configFor(esRp, { id_token_signed_response_alg: 'ES256' }));
    const signedWith = [headerOf(rs.tokens.id_token!), headerOf(es.tokens.id_token!)];
    expect(signedWith.map((header) => header.alg).sort()).toEqual([...(metadata.id_token_signing_alg_values_supported as string[])].sort());
    for (const header of signedWith) expect(jwks.keys.find((key) => key.kid === header.kid)).toMatchObject({ alg: header.alg, use: 'sig' });
    expect(metadata.access_token_signing_alg_values_supported).toEqual([headerOf(rs.tokens.access_token).alg]);
    // Public subjects: the same user is the same sub to every client.
    expect(es.claims.sub).toBe(rs.claims.sub);
    expect(metadata.acr_values_supported).toEqual([rs.claims.acr]);

    // Every advertised scope is grantable together, and between them the ID Token (asked for every
    // claim by name) and userinfo serve exactly the advertised claims: none missing, none unadvertised.
    const scopes = metadata.scopes_supported as string[];
    const everything = Object.fromEntries((metadata.claims_supported as string[]).map((claim) => [claim, null]));
    const all = await codeFlow(config, { scope: scopes.join(' '), claims: { id_token: everything, userinfo: everything } });
    expect(all.tokens.scope!.split(' ').sort()).toEqual([...scopes].sort());
    const info = await oidc.fetchUserInfo(config, all.tokens.access_token, olivia.id);
    const served = new Set([...Object.keys(all.claims), ...Object.keys(info)]);
    expect([...served].sort()).toEqual([...(metadata.claims_supported as string[])].sort());
  });

  describe('bad input', () => {
    async function registrationToken(): Promise<string> {
      return (await value(subjects.authInitialAccessTokensCreate, { uses: 10 })).token;
    }

    const register = async (metadata: Record<string, unknown>) => {
      const response = await fetch(config.serverMetadata().registration_endpoint!, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await registrationToken()}` },
        body: JSON.stringify({ redirect_uris: [redirectUri], ...metadata }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };

    it.each([
      ['id_token_signed_response_alg none', { id_token_signed_response_alg: 'none' }],
      ['id_token_signed_response_alg HS256', { id_token_signed_response_alg: 'HS256' }],
      ['subject_type pairwise', { subject_type: 'pairwise' }],
      ['userinfo_signed_response_alg', { userinfo_signed_response_alg: 'RS256' }],
    ])('DCR refuses %s with invalid_client_metadata (RFC 7591 §3.2.2)', async (_label, metadata) => {
      const refused = await register(metadata);
      expect(refused).toMatchObject({ status: 400, body: { error: 'invalid_client_metadata', error_description: expect.any(String) } });
    });

    it('DCR registers ES256 ID Tokens and public subjects, and shows the defaults it applies', async () => {
      expect(await register({ id_token_signed_response_alg: 'ES256', subject_type: 'public' })).toMatchObject({
        status: 201,
        body: { id_token_signed_response_alg: 'ES256', subject_type: 'public' },
      });
      expect(await register({})).toMatchObject({ status: 201, body: { id_token_signed_response_alg: 'RS256', subject_type: 'public' } });
    });

    it('the admin users API refuses wrong-typed claims, naming each', async () => {
      const created = await send(subjects.authUsersCreate, {
        username: `typo-${tag}`,
        password,
        claims: { email: 'not-an-email', email_verified: 'true', address: { town: 'Paris' } },
      });
      expect(created).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
      const fields = !created.ok ? (created.error.details ?? []).map((detail) => detail.field) : [];
      expect(fields).toEqual(expect.arrayContaining(['email', 'email_verified', 'address']));
      const updated = await send(subjects.authUsersUpdate, { id: olivia.id, claims: { phone_number_verified: 'no', sub: 'someone-else' } });
      expect(updated).toMatchObject({ ok: false, error: { error: 'validation_failed' } });
      // Nothing changed.
      expect(await value(subjects.authUsersGet, { id: olivia.id })).toMatchObject(allClaims);
    });
  });

  function postUserinfo(body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(config.serverMetadata().userinfo_endpoint!, {
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
});
