import type { AuthorizeClientRequest, OAuthTokenRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { absentAuthService, compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';
import type { OAuthBridge } from '../oauth/oauth-bridge.js';
import { oauthEndpoints } from './oauth-endpoints.js';

const form = { 'content-type': 'application/x-www-form-urlencoded' };
const upstream = 'http://127.0.0.1:9'; // never reached: these tests stop before the proxy

const oauthApi = (extra: Record<string, unknown> = {}) =>
  definition({ api_id: 'openApi', use_keyless: false, use_oauth2: true, proxy: { listen_path: '/hub/v2/', target_url: upstream }, ...extra } as never);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function gateway(definitions = [oauthApi()], bridge: Partial<OAuthBridge> = {}) {
  const built = compiledConfiguration(definitions, 30, absentAuthService(bridge));
  const plane = await startDataPlane(built.config);
  cleanups.push(async () => {
    await plane.close();
    await built.pools.closeAll();
  });
  return { ...plane, config: built.config };
}

describe('oauth-endpoints step', () => {
  it('is compiled only into the chains of OAuth APIs', async () => {
    const { config } = await gateway([oauthApi(), definition({ api_id: 'open', proxy: { listen_path: '/open', target_url: upstream } })]);
    expect(config.apis.get('openApi')!.chain).toContain(oauthEndpoints);
    expect(config.apis.get('open')!.chain).not.toContain(oauthEndpoints);
    expect(config.apis.get('open')!.oauth).toBeNull();
  });

  describe('{listen_path}/oauth/token', () => {
    it("hands the raw request to the auth service with the API's settings and writes its answer as it is", async () => {
      const seen: OAuthTokenRequest[] = [];
      const token = async (request: OAuthTokenRequest) => {
        seen.push(request);
        return {
          status: 401,
          headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'WWW-Authenticate': 'Basic realm="portcullis"' },
          body: '{"error":"invalid_client"}',
        };
      };
      const api = oauthApi({
        oauth_meta: { allowed_access_types: ['client_credentials'], access_token_expires_in: 600 },
        notifications: { oauth_on_keychange_url: 'http://hooks.test/keys', shared_secret: 'shh' },
      });
      const { url } = await gateway([api], { token });
      for (const path of ['/hub/v2/oauth/token', '/hub/v2/oauth/token/']) {
        const response = await fetch(url + path, {
          method: 'POST',
          headers: { ...form, authorization: 'Basic abc' },
          body: 'grant_type=client_credentials&a=%20',
        });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Basic realm="portcullis"');
        expect(response.headers.get('cache-control')).toBe('no-store');
        expect(await response.text()).toBe('{"error":"invalid_client"}');
      }
      expect(seen[0]).toEqual({
        api_id: 'openApi',
        allowed_grant_types: ['client_credentials'],
        access_token_ttl: 600,
        notifications: { oauth_on_keychange_url: 'http://hooks.test/keys', shared_secret: 'shh' },
        authorization: 'Basic abc',
        content_type: 'application/x-www-form-urlencoded',
        body: 'grant_type=client_credentials&a=%20',
      });
    });

    it('answers only POST', async () => {
      const { url } = await gateway();
      const response = await fetch(`${url}/hub/v2/oauth/token`);
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it('refuses a body over 64 KB in RFC 6749 shape, without asking the auth service', async () => {
      let asked = false;
      const { url } = await gateway([oauthApi()], { token: async () => ((asked = true), { status: 200, headers: {}, body: '' }) });
      const response = await fetch(`${url}/hub/v2/oauth/token`, { method: 'POST', headers: form, body: 'a='.padEnd(70_000, 'x') });
      expect(response.status).toBe(413);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(await response.json()).toEqual({ error: 'invalid_request', error_description: 'The request body is too large' });
      expect(asked).toBe(false);
      // Sent in chunks with no declared length: cut off once the limit is passed.
      const chunk = new TextEncoder().encode('x'.repeat(16_384));
      const stream = new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const chunked = await fetch(`${url}/hub/v2/oauth/token`, { method: 'POST', headers: form, body: stream, duplex: 'half' } as RequestInit);
      expect(chunked.status).toBe(413);
      expect(asked).toBe(false);
    });

    it('answers 503 temporarily_unavailable when the auth service cannot be reached, 500 on anything else', async () => {
      const down = await gateway();
      const response = await fetch(`${down.url}/hub/v2/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: 'temporarily_unavailable' });
      const broken = await gateway([oauthApi()], { token: () => Promise.reject(new PortcullisError('internal')) });
      const failed = await fetch(`${broken.url}/hub/v2/oauth/token`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' });
      expect(failed.status).toBe(500);
      expect(await failed.json()).toEqual({ error: 'server_error' });
    });
  });

  describe('{listen_path}/oauth/authorize', () => {
    it("redirects to the auth service's page with the query unchanged", async () => {
      const { url } = await gateway();
      const response = await fetch(`${url}/hub/v2/oauth/authorize/?response_type=code&client_id=c%201&state=x`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('http://auth.test/oauth/authorize?response_type=code&client_id=c%201&state=x');
    });

    it("redirects (307, as Tyk) to the app's own login page when auth_login_redirect is set", async () => {
      const { url } = await gateway([oauthApi({ oauth_meta: { auth_login_redirect: 'https://app.example/login?from=gw' } })]);
      const response = await fetch(`${url}/hub/v2/oauth/authorize?client_id=c`, { redirect: 'manual' });
      expect(response.status).toBe(307);
      expect(response.headers.get('location')).toBe('https://app.example/login?from=gw&client_id=c');
      expect((await fetch(`${url}/hub/v2/oauth/authorize`, { method: 'POST' })).status).toBe(405);
    });
  });

  describe('{listen_path}/tyk/oauth/authorize-client', () => {
    const secret = absentAuthService().adminSecret;

    it("approves with the admin secret, form body, and answers Tyk's {code, redirect_to}", async () => {
      const seen: AuthorizeClientRequest[] = [];
      const authorizeClient = async (request: AuthorizeClientRequest) => (
        seen.push(request),
        { code: 'the-code', redirect_to: 'http://www.test.fr?code=the-code' }
      );
      const { url } = await gateway([oauthApi()], { authorizeClient });
      const response = await fetch(`${url}/hub/v2/tyk/oauth/authorize-client/`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': secret },
        body: `response_type=code&client_id=c&redirect_uri=${encodeURIComponent('http://www.test.fr')}&key_rules=${encodeURIComponent('{"alias":"alice"}')}&ignored=1`,
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ code: 'the-code', redirect_to: 'http://www.test.fr?code=the-code' });
      expect(seen).toEqual([
        { api_id: 'openApi', response_type: 'code', client_id: 'c', redirect_uri: 'http://www.test.fr', sub: 'alice', key_rules: '{"alias":"alice"}' },
      ]);
    });

    it('takes a JSON body too', async () => {
      const seen: AuthorizeClientRequest[] = [];
      const { url } = await gateway([oauthApi()], { authorizeClient: async (request) => (seen.push(request), { code: 'c', redirect_to: 'r' }) });
      const response = await fetch(`${url}/hub/v2/tyk/oauth/authorize-client`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-tyk-authorization': secret },
        body: JSON.stringify({ response_type: 'code', client_id: 'c', redirect_uri: 'http://x', sub: 'bob', state: 's' }),
      });
      expect(response.status).toBe(200);
      expect(seen[0]).toEqual({ api_id: 'openApi', response_type: 'code', client_id: 'c', redirect_uri: 'http://x', sub: 'bob', state: 's' });
    });

    it.each([
      ['no secret', {}, 'response_type=code', 401, 'unauthorized'],
      ['a wrong secret', { 'x-tyk-authorization': 'nope' }, 'response_type=code', 401, 'unauthorized'],
      ['missing parameters', { 'x-tyk-authorization': secret }, 'response_type=code', 400, 'validation_failed'],
      ['a repeated parameter', { 'x-tyk-authorization': secret }, 'response_type=code&client_id=a&client_id=b&redirect_uri=http://x', 400, 'validation_failed'],
      ['malformed JSON', { 'x-tyk-authorization': secret, 'content-type': 'application/json' }, '{"response_type":', 400, 'malformed_json'],
    ])('refuses %s in Tyk shape', async (_case, headers, body, status, error) => {
      const { url } = await gateway();
      const response = await fetch(`${url}/hub/v2/tyk/oauth/authorize-client/`, { method: 'POST', headers: { ...form, ...headers }, body });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ status: 'error', error });
    });

    it("passes the auth service's refusal on with its code and fields", async () => {
      const authorizeClient = () =>
        Promise.reject(new PortcullisError('validation_failed', undefined, [{ field: 'redirect_uri', message: 'is not registered' }]));
      const { url } = await gateway([oauthApi()], { authorizeClient });
      const response = await fetch(`${url}/hub/v2/tyk/oauth/authorize-client/`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': secret },
        body: 'response_type=code&client_id=c&redirect_uri=http://evil',
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        status: 'error',
        error: 'validation_failed',
        details: [{ field: 'redirect_uri', message: 'is not registered' }],
      });
    });
  });

  it('lets every other path of an OAuth API go on to authenticate (401 without a credential)', async () => {
    const { url } = await gateway();
    const response = await fetch(`${url}/hub/v2/oauth/tokens`, { method: 'POST' });
    expect(response.status).toBe(401);
  });
});
