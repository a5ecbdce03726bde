import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTcpLink, type TcpLink } from '../tools/test/tcp-link.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

/**
 * Input no endpoint may receive (a NUL anywhere, JSON nested thousands deep), every 401's challenge,
 * and a database that goes away, sent to the three real services as separate processes. Registry and
 * auth reach PostgreSQL through a TCP link the last tests cut.
 */
describeWithServices('hostile input, 401 challenges and a lost database, across gateway, registry and auth', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let link: TcpLink;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let client: { client_id: string; secret: string };

  const basic = (id: string, secret: string) => 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
  const deepJson = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_hostile_e2e');
    link = await startTcpLink(database.url.replace(/^postgres(ql)?:/, 'tcp:'));
    const linked = new URL(database.url);
    linked.port = new URL(link.url).port;
    const env = { DATABASE_URL: linked.toString() };
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });
    const api = {
      api_id: 'hostile',
      name: 'Hostile',
      use_keyless: false,
      use_oauth2: true,
      oauth_meta: { allowed_access_types: ['client_credentials'] },
      proxy: { listen_path: '/hostile/', target_url: upstream.url },
    };
    expect((await fetch(`${gateway.url}/tyk/apis`, { method: 'POST', headers: tyk, body: JSON.stringify(api) })).status).toBe(200);
    const created = await fetch(`${gateway.url}/tyk/oauth/clients/create`, {
      method: 'POST',
      headers: tyk,
      body: JSON.stringify({ api_id: 'hostile', redirect_uri: 'http://www.test.fr' }),
    });
    expect(created.status).toBe(200);
    client = (await created.json()) as { client_id: string; secret: string };
    await waitFor(
      async () => (await fetch(`${gateway.url}/hostile/oauth/token/`, { method: 'POST', headers: form, body: 'grant_type=client_credentials' })).status === 401,
      { timeoutMs: 5_000, message: '/hostile/ to be served' },
    );
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await Promise.allSettled([upstream?.close(), link?.close()]);
    await database?.drop();
  });

  /** pino's levels: warn is 40; anything above it is an error the operator is paged for. */
  function linesAboveWarn(service: StartedService): string[] {
    return service
      .logs()
      .split('\n')
      .filter((line) => {
        try {
          return (JSON.parse(line) as { level?: number }).level! > 40;
        } catch {
          return false;
        }
      });
  }

  async function storedApis(): Promise<unknown> {
    const response = await fetch(`${registry.url}/admin/apis`, { headers: admin });
    expect(response.status).toBe(200);
    return response.json();
  }

  async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(await response.json()).toMatchObject({ error });
    if (status === 401) expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="portcullis"/);
  }

  describe('a NUL at the OAuth endpoints: invalid_client for credentials, invalid_request otherwise, nothing above warn', () => {
    const tokenDoors = {
      "auth's own door": () => `${auth.url}/oauth/token`,
      'Express (query on the path)': () => `${auth.url}/oauth/token?via=express`,
      "a gateway's {listen_path}/oauth/token/": () => `${gateway.url}/hostile/oauth/token/`,
    };

    for (const [door, url] of Object.entries(tokenDoors)) {
      it(`answers client_id=a%00b in the body with 401 invalid_client at ${door}`, async () => {
        await expectOAuthError(
          await fetch(url(), { method: 'POST', headers: form, body: 'grant_type=client_credentials&client_id=a%00b&client_secret=x' }),
          401,
          'invalid_client',
        );
      });

      it(`answers a NUL in Basic credentials with 401 invalid_client at ${door}`, async () => {
        for (const header of [basic('a%00b', 'x'), basic(client.client_id, 'x\u0000')]) {
          await expectOAuthError(
            await fetch(url(), { method: 'POST', headers: { ...form, authorization: header }, body: 'grant_type=client_credentials' }),
            401,
            'invalid_client',
          );
        }
      });

      it(`answers a NUL in another parameter with 400 invalid_request at ${door}`, async () => {
        await expectOAuthError(
          await fetch(url(), {
            method: 'POST',
            headers: { ...form, authorization: basic(client.client_id, client.secret) },
            body: 'grant_type=client_credentials&scope=a%00',
          }),
          400,
          'invalid_request',
        );
      });
    }

    for (const endpoint of ['/oauth/introspect', '/oauth/revoke']) {
      it(`answers NUL credentials at ${endpoint} with 401 invalid_client, and a NUL token with 400`, async () => {
        await expectOAuthError(
          await fetch(`${auth.url}${endpoint}`, { method: 'POST', headers: form, body: 'token=t&client_id=a%00b&client_secret=x' }),
          401,
          'invalid_client',
        );
        await expectOAuthError(
          await fetch(`${auth.url}${endpoint}`, { method: 'POST', headers: { ...form, authorization: basic('a%00b', 'x') }, body: 'token=t' }),
          401,
          'invalid_client',
        );
        await expectOAuthError(
          await fetch(`${auth.url}${endpoint}`, {
            method: 'POST',
            headers: { ...form, authorization: basic(client.client_id, client.secret) },
            body: 'token=a%00b',
          }),
          400,
          'invalid_request',
        );
      });
    }

    it('still issues tokens to the real client (the check refuses only what it should)', async () => {
      const response = await fetch(`${auth.url}/oauth/token`, {
        method: 'POST',
        headers: form,
        body: `grant_type=client_credentials&client_id=${client.client_id}&client_secret=${client.secret}`,
      });
      expect(response.status).toBe(200);
    });

    it('logged nothing above warn for any of it', () => {
      expect(linesAboveWarn(auth)).toEqual([]);
      expect(linesAboveWarn(gateway)).toEqual([]);
    });
  });

  describe('the admin APIs: 400 validation_failed naming the field, 404 for ids, nothing stored', () => {
    const bodies: [string, string, string][] = [
      [
        'a NUL in a string',
        JSON.stringify({ api_id: 'nul-value', name: 'x\u0000y', proxy: { listen_path: '/nul/', target_url: 'http://127.0.0.1:1' } }),
        'name',
      ],
      [
        'a NUL in a nested string',
        JSON.stringify({ api_id: 'nul-nested', name: 'n', proxy: { listen_path: '/nul\u0000/', target_url: 'http://127.0.0.1:1' } }),
        'proxy.listen_path',
      ],
      [
        'a NUL in a key',
        JSON.stringify({ api_id: 'nul-key', name: 'n', 'na\u0000me': 'x', proxy: { listen_path: '/nulkey/', target_url: 'http://127.0.0.1:1' } }),
        'na\\u0000me',
      ],
    ];

    for (const [what, body, field] of bodies) {
      it(`refuses ${what} at /admin/apis and /tyk/apis`, async () => {
        const before = await storedApis();
        const native = await fetch(`${registry.url}/admin/apis`, { method: 'POST', headers: admin, body });
        expect(native.status).toBe(400);
        expect(native.headers.get('x-powered-by')).toBeNull();
        expect(await native.json()).toEqual({
          error: 'validation_failed',
          message: 'The request is not valid',
          details: [{ field, message: 'must not contain a NUL character' }],
        });
        const tykAnswer = await fetch(`${gateway.url}/tyk/apis`, { method: 'POST', headers: tyk, body });
        expect(tykAnswer.status).toBe(400);
        expect(await tykAnswer.json()).toEqual({
          status: 'error',
          error: 'validation_failed',
          message: 'The request is not valid',
          details: [{ field, message: 'must not contain a NUL character' }],
        });
        expect(await storedApis()).toEqual(before);
      });
    }

    it('refuses JSON nested 5,000 levels deep with 400 at /admin/apis, /tyk/apis and /tyk/oauth/clients/create', async () => {
      const before = await storedApis();
      for (const [url, headers] of [
        [`${registry.url}/admin/apis`, admin],
        [`${gateway.url}/tyk/apis`, tyk],
        [`${gateway.url}/tyk/oauth/clients/create`, tyk],
      ] as const) {
        const response = await fetch(url, { method: 'POST', headers, body: deepJson(5000) });
        expect(response.status, url).toBe(400);
        const answer = await response.json();
        expect(answer, url).toMatchObject({ error: 'validation_failed', details: [{ message: 'nests deeper than 64 levels' }] });
      }
      expect(await storedApis()).toEqual(before);
    });

    it('answers an id with a NUL in the path with 404 not_found', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const body = method === 'PUT' ? JSON.stringify({ name: 'x' }) : undefined;
        const native = await fetch(`${registry.url}/admin/apis/a%00b`, { method, headers: admin, body });
        expect(native.status, method).toBe(404);
        expect(await native.json()).toMatchObject({ error: 'not_found' });
        const tykAnswer = await fetch(`${gateway.url}/tyk/apis/a%00b`, { method, headers: tyk, body });
        expect(tykAnswer.status, method).toBe(404);
        expect(await tykAnswer.json()).toMatchObject({ status: 'error', error: 'not_found' });
      }
      expect((await fetch(`${gateway.url}/tyk/oauth/clients/hostile/a%00b`, { headers: tyk })).status).toBe(404);
    });

    it('logged nothing above warn for any of it', () => {
      expect(linesAboveWarn(registry)).toEqual([]);
      expect(linesAboveWarn(gateway)).toEqual([]);
    });
  });

  describe('every 401 carries WWW-Authenticate (RFC 9110 §15.5.2)', () => {
    it('at the token endpoint when the client authenticated in the body', async () => {
      for (const url of [`${auth.url}/oauth/token`, `${gateway.url}/hostile/oauth/token/`]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: form,
          body: `grant_type=client_credentials&client_id=${client.client_id}&client_secret=wrong`,
        });
        await expectOAuthError(response, 401, 'invalid_client');
      }
    });

    it('at the /tyk/ admin API (missing or wrong secret) and /tyk/oauth/revoke (wrong client secret)', async () => {
      const refused: Record<string, string>[] = [{}, { 'x-tyk-authorization': 'wrong' }];
      for (const headers of refused) {
        const response = await fetch(`${gateway.url}/tyk/apis`, { headers });
        expect(response.status).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('X-Tyk-Authorization realm="portcullis-admin"');
      }
      const revoke = await fetch(`${gateway.url}/tyk/oauth/revoke`, {
        method: 'POST',
        headers: { ...form, 'x-tyk-authorization': adminSecret },
        body: `token=t&token_type_hint=access_token&client_id=${client.client_id}&client_secret=wrong`,
      });
      expect(revoke.status).toBe(401);
      expect(revoke.headers.get('www-authenticate')).toBe('X-Tyk-Authorization realm="portcullis-admin"');
    });

    it('at the native admin API, without X-Powered-By', async () => {
      const response = await fetch(`${registry.url}/admin/apis`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="portcullis-admin"');
      expect(response.headers.get('x-powered-by')).toBeNull();
    });
  });

  describe('with PostgreSQL unreachable: 503 with Retry-After', () => {
    beforeAll(async () => {
      await link.cut();
    });

    it('at the admin APIs: service_unavailable', async () => {
      const native = await fetch(`${registry.url}/admin/apis`, { headers: admin });
      expect(native.status).toBe(503);
      expect(native.headers.get('retry-after')).toBe('5');
      expect(await native.json()).toEqual({ error: 'service_unavailable', message: 'A service this request needs is unavailable' });
      const tykAnswer = await fetch(`${gateway.url}/tyk/apis`, { headers: tyk });
      expect(tykAnswer.status).toBe(503);
      expect(tykAnswer.headers.get('retry-after')).toBe('5');
      expect(await tykAnswer.json()).toMatchObject({ status: 'error', error: 'service_unavailable' });
    });

    it('at the OAuth endpoints: temporarily_unavailable, through the gateway too', async () => {
      const body = `grant_type=client_credentials&client_id=${client.client_id}&client_secret=${client.secret}`;
      for (const url of [`${auth.url}/oauth/token`, `${gateway.url}/hostile/oauth/token/`, `${auth.url}/oauth/introspect`]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: form,
          body: url.endsWith('introspect') ? `token=t&client_id=${client.client_id}&client_secret=${client.secret}` : body,
        });
        await expectOAuthError(response, 503, 'temporarily_unavailable');
        expect(response.headers.get('retry-after'), url).toBe('5');
      }
    });
  });
});
