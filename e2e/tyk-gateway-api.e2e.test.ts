import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { readTykApp } from '../tools/test/tyk-samples.js';
import { createScratchDatabase } from './support/database.js';
import { startService, waitFor, type StartedService } from './support/processes.js';
import { tykSwaggerChecker } from './support/tyk-swagger.js';

/**
 * Tyk's Gateway API behaviours through a real gateway (registry, auth service and gateway as
 * processes), every answer checked against Tyk's own OpenAPI document (../shared/tyk/swagger.yml).
 */
describeWithServices("Tyk's Gateway API behaviours, answers checked against Tyk's swagger.yml", () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const expectTykShape = tykSwaggerChecker();
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let services: StartedService[] = [];
  let gateway: StartedService;

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_tykapi');
    const [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    services = [registry, auth, gateway];
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'gateway ready' });
  });

  afterAll(async () => {
    await Promise.allSettled(services.map((service) => service.stop()));
    await database?.drop();
  });

  /** Calls the gateway's /tyk/ API and checks the answer against Tyk's document for `template`. */
  async function call(
    method: string,
    path: string,
    template: string,
    body?: unknown,
    options: { headers?: Record<string, string>; documentedAs?: number } = {},
  ) {
    const response = await fetch(`${gateway.url}${path}`, {
      method,
      headers: options.headers ?? tyk,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await response.json()) as any;
    expectTykShape(template, method, response.status, json, options.documentedAs);
    return { status: response.status, body: json };
  }

  const oauthApi = (apiId: string, extra: Record<string, unknown> = {}) => ({
    api_id: apiId,
    name: apiId,
    use_oauth2: true,
    oauth_meta: { allowed_access_types: ['client_credentials'], allowed_authorize_types: ['code'], auth_login_redirect: '' },
    proxy: { listen_path: `/${apiId}/`, target_url: 'http://127.0.0.1:9', strip_listen_path: true },
    ...extra,
  });

  it("loads Tyk's quickstart.json, and a re-POST of an existing api_id updates it (as Tyk), never a 409", async () => {
    const quickstart = readTykApp('quickstart.json');
    expect(await call('POST', '/tyk/apis', '/tyk/apis', quickstart)).toEqual({ status: 200, body: { key: '3', status: 'ok', action: 'added' } });
    const again = await call('POST', '/tyk/apis', '/tyk/apis', { ...quickstart, name: 'Renamed' });
    expect(again).toEqual({ status: 200, body: { key: '3', status: 'ok', action: 'added' } });
    const read = await call('GET', '/tyk/apis/3', '/tyk/apis/{apiID}');
    expect(read.body).toMatchObject({ api_id: '3', name: 'Renamed', auth: { auth_header_name: 'Authorization' } });
    await call('GET', '/tyk/apis', '/tyk/apis');
    expect((await call('GET', '/tyk/apis/none', '/tyk/apis/{apiID}')).status).toBe(404);
  });

  it("refuses a coprocess sample naming the unsupported feature, in Tyk's error shape", async () => {
    const refused = await call('POST', '/tyk/apis', '/tyk/apis', readTykApp('coprocess_app_sample.json'));
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual(expect.arrayContaining([{ field: 'custom_middleware', message: expect.stringMatching(/^not supported/) }]));
  });

  it('POST /tyk/policies without an id is 400, as in Tyk; with one it is added', async () => {
    const missing = await call('POST', '/tyk/policies', '/tyk/policies', { rate: 1, per: 1 });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ status: 'error', message: 'Unable to create policy without id.' });
    expect(await call('POST', '/tyk/policies', '/tyk/policies', { id: 'oauth-pol', access_rights: { 'oauth-a': {}, 'oauth-b': {}, '3': {} } })).toMatchObject({
      status: 200,
    });
    await call('GET', '/tyk/policies', '/tyk/policies');
    expect((await call('GET', '/tyk/policies/oauth-pol', '/tyk/policies/{polID}')).body).toMatchObject({
      id: 'oauth-pol',
      name: '',
      access_rights: { 'oauth-a': { api_id: 'oauth-a' } },
    });
  });

  it('creates OAuth clients as Tyk does: meta_data kept, a chosen id and secret, every OAuth API of the policy without api_id, 400 "API doesn\'t exist", PUT updates', async () => {
    for (const id of ['oauth-a', 'oauth-b']) expect((await call('POST', '/tyk/apis', '/tyk/apis', oauthApi(id))).status).toBe(200);

    const chosen = await call('POST', '/tyk/oauth/clients/create', '/tyk/oauth/clients/create', {
      api_id: 'oauth-a',
      client_id: 'my-client',
      secret: 'a-caller-chosen-secret-of-enough-length',
      policy_id: 'oauth-pol',
      meta_data: { team: 'billing' },
    });
    expect(chosen).toMatchObject({
      status: 200,
      body: { client_id: 'my-client', secret: 'a-caller-chosen-secret-of-enough-length', api_id: 'oauth-a', meta_data: { team: 'billing' } },
    });
    const read = await call('GET', '/tyk/oauth/clients/oauth-a/my-client', '/tyk/oauth/clients/{apiID}/{keyName}');
    expect(read.body).toMatchObject({ client_id: 'my-client', meta_data: { team: 'billing' } });
    expect(read.body).not.toHaveProperty('secret');

    // Without api_id: one client for every OAuth API the policy grants (API "3" is keyless: left out).
    const everywhere = await call('POST', '/tyk/oauth/clients/create', '/tyk/oauth/clients/create', {
      policy_id: 'oauth-pol',
      redirect_uri: 'https://app.example/cb',
    });
    expect(everywhere.status).toBe(200);
    for (const apiId of ['oauth-a', 'oauth-b']) {
      expect((await call('GET', `/tyk/oauth/clients/${apiId}/${everywhere.body.client_id}`, '/tyk/oauth/clients/{apiID}/{keyName}')).status).toBe(200);
    }

    const unknown = await call('POST', '/tyk/oauth/clients/create', '/tyk/oauth/clients/create', { api_id: 'no-such-api', policy_id: 'oauth-pol' });
    expect(unknown).toMatchObject({ status: 400, body: { status: 'error', message: "API doesn't exist" } });

    const updated = await call('PUT', '/tyk/oauth/clients/oauth-a/my-client', '/tyk/oauth/clients/{apiID}/{keyName}', {
      redirect_uri: 'https://new.example/cb',
      description: 'renamed',
      meta_data: { team: 'ops' },
    });
    expect(updated).toMatchObject({
      status: 200,
      body: { client_id: 'my-client', redirect_uri: 'https://new.example/cb', description: 'renamed', meta_data: { team: 'ops' } },
    });
    expect(updated.body).not.toHaveProperty('secret');
    expect((await call('PUT', '/tyk/oauth/clients/oauth-b/nobody', '/tyk/oauth/clients/{apiID}/{keyName}', { description: 'x' })).status).toBe(404);

    await call('GET', '/tyk/oauth/clients/oauth-a', '/tyk/oauth/clients/{apiID}');
    expect(await call('DELETE', '/tyk/oauth/clients/oauth-a/my-client', '/tyk/oauth/clients/{apiID}/{keyName}')).toMatchObject({
      status: 200,
      body: { key: 'my-client', status: 'ok', action: 'deleted' },
    });
  });

  it('keys and deletes answer in the shapes Tyk documents', async () => {
    const created = await call('POST', '/tyk/keys/create', '/tyk/keys/create', { apply_policies: ['oauth-pol'] });
    expect(created.status).toBe(200);
    await call('GET', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}');
    expect((await call('DELETE', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}')).status).toBe(200);
    expect((await call('DELETE', '/tyk/policies/oauth-pol', '/tyk/policies/{polID}')).status).toBe(200);
    expect((await call('DELETE', '/tyk/apis/3', '/tyk/apis/{apiID}')).status).toBe(200);
  });

  /**
   * Every /tyk/ route the gateway serves (apps/gateway/src/control-plane/*.controller.ts), its success
   * and its main errors, each answer checked against swagger.yml. Answers swagger.yml does not document,
   * each a deliberate difference listed in docs/migrating-from-tyk.md's "Differences from Tyk":
   *  - 401 without (or with a wrong) admin secret, where Tyk answers 403: checked against Tyk's 403 body;
   *  - 404 for an unknown policy on PUT / DELETE /tyk/policies/{polID} (Tyk documents 400 / 500 only):
   *    checked against Tyk's 400 body;
   *  - 400 for a session that is not valid at POST /tyk/keys/preview (Tyk documents 200 / 403 / 500
   *    only): checked against Tyk's 500 body;
   *  - any other path under /tyk/ (TykFallbackController): 404 in Tyk's error shape, no Tyk operation.
   * `/tyk/certs` is checked the same way in e2e/certificates.e2e.test.ts (it needs TLS and upstreams).
   */
  it('every /tyk/ route: success and main errors in the shapes swagger.yml documents', async () => {
    const api = {
      api_id: 'routes',
      name: 'routes',
      use_keyless: false,
      use_standard_auth: true,
      auth: { auth_header_name: 'Authorization' },
      proxy: { listen_path: '/routes/', target_url: 'http://127.0.0.1:9', strip_listen_path: true },
      version_data: { not_versioned: true, versions: { Default: { name: 'Default' } } },
    };
    const badApi = { ...api, proxy: { listen_path: 'no-slash', target_url: 'ftp://x' } };

    // Without the admin secret: 401 (Tyk 403), Tyk's error body.
    expect((await call('GET', '/tyk/apis', '/tyk/apis', undefined, { headers: {}, documentedAs: 403 })).status).toBe(401);
    expect((await call('GET', '/tyk/keys', '/tyk/keys', undefined, { headers: { 'x-tyk-authorization': 'wrong' }, documentedAs: 403 })).status).toBe(401);

    // APIs.
    expect((await call('POST', '/tyk/apis', '/tyk/apis', api)).status).toBe(200);
    expect((await call('POST', '/tyk/apis', '/tyk/apis', badApi)).status).toBe(400);
    expect((await call('GET', '/tyk/apis', '/tyk/apis')).status).toBe(200);
    expect((await call('GET', '/tyk/apis/routes', '/tyk/apis/{apiID}')).status).toBe(200);
    expect((await call('PUT', '/tyk/apis/routes', '/tyk/apis/{apiID}', { ...api, name: 'renamed' })).body).toMatchObject({
      key: 'routes',
      status: 'ok',
      action: 'modified',
    });
    expect((await call('PUT', '/tyk/apis/routes', '/tyk/apis/{apiID}', badApi)).status).toBe(400);
    expect((await call('PUT', '/tyk/apis/nobody', '/tyk/apis/{apiID}', { ...api, api_id: 'nobody' })).status).toBe(404);
    expect((await call('GET', '/tyk/apis/nobody', '/tyk/apis/{apiID}')).status).toBe(404);
    expect((await call('DELETE', '/tyk/apis/nobody', '/tyk/apis/{apiID}')).status).toBe(404);

    // Policies.
    const policy = { id: 'routes-pol', rate: 100, per: 60, quota_max: -1, access_rights: { routes: { api_id: 'routes', versions: ['Default'] } } };
    expect((await call('POST', '/tyk/policies', '/tyk/policies', policy)).status).toBe(200);
    expect((await call('POST', '/tyk/policies', '/tyk/policies', { ...policy, id: 'bad-pol', rate: 'fast' })).status).toBe(400);
    expect((await call('GET', '/tyk/policies', '/tyk/policies')).status).toBe(200);
    expect((await call('GET', '/tyk/policies/routes-pol', '/tyk/policies/{polID}')).status).toBe(200);
    expect((await call('GET', '/tyk/policies/nobody', '/tyk/policies/{polID}')).status).toBe(404);
    expect((await call('PUT', '/tyk/policies/routes-pol', '/tyk/policies/{polID}', { ...policy, rate: 50 })).body).toMatchObject({
      key: 'routes-pol',
      status: 'ok',
      action: 'modified',
    });
    expect((await call('PUT', '/tyk/policies/routes-pol', '/tyk/policies/{polID}', { ...policy, rate: 'fast' })).status).toBe(400);
    expect((await call('PUT', '/tyk/policies/nobody', '/tyk/policies/{polID}', { ...policy, id: 'nobody' }, { documentedAs: 400 })).status).toBe(404);
    expect((await call('DELETE', '/tyk/policies/nobody', '/tyk/policies/{polID}', undefined, { documentedAs: 400 })).status).toBe(404);

    // Keys.
    const created = await call('POST', '/tyk/keys', '/tyk/keys', { apply_policies: ['routes-pol'] });
    expect(created.body).toMatchObject({ status: 'ok', action: 'added' });
    expect((await call('POST', '/tyk/keys', '/tyk/keys', { apply_policies: 'routes-pol', rate: 'fast' })).status).toBe(400);
    expect((await call('POST', '/tyk/keys/create', '/tyk/keys/create', { rate: 'fast' })).status).toBe(400);
    expect((await call('POST', '/tyk/keys/a-chosen-key-of-enough-length', '/tyk/keys/{keyID}', { apply_policies: ['routes-pol'] })).status).toBe(200);
    expect((await call('POST', '/tyk/keys/another-chosen-key-0123', '/tyk/keys/{keyID}', { rate: 'fast' })).status).toBe(400);
    const keysBefore = (await call('GET', '/tyk/keys', '/tyk/keys')).body.keys.length;
    const preview = await call('POST', '/tyk/keys/preview', '/tyk/keys/preview', { apply_policies: ['routes-pol'], rate: 10, per: 60, alias: 'previewed' });
    expect(preview).toMatchObject({ status: 200, body: { apply_policies: ['routes-pol'], rate: 10, per: 60, alias: 'previewed' } });
    expect((await call('POST', '/tyk/keys/preview', '/tyk/keys/preview', { rate: 'fast' }, { documentedAs: 500 })).status).toBe(400);
    expect((await call('POST', '/tyk/keys/preview', '/tyk/keys/preview', { apply_policies: ['no-such-policy'] }, { documentedAs: 500 })).body).toMatchObject({
      details: [{ field: 'apply_policies.0' }],
    });
    expect((await call('GET', '/tyk/keys', '/tyk/keys')).body.keys.length).toBe(keysBefore);
    expect((await call('GET', '/tyk/keys', '/tyk/keys')).status).toBe(200);
    expect((await call('GET', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}')).status).toBe(200);
    expect((await call('GET', '/tyk/keys/no-such-key-0123456789', '/tyk/keys/{keyID}')).status).toBe(404);
    expect((await call('PUT', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}', { apply_policies: ['routes-pol'], rate: 10, per: 60 })).body).toMatchObject(
      { status: 'ok', action: 'modified' },
    );
    expect((await call('PUT', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}', { rate: 'fast' })).status).toBe(400);
    expect((await call('PUT', '/tyk/keys/no-such-key-0123456789', '/tyk/keys/{keyID}', { apply_policies: ['routes-pol'] })).status).toBe(404);
    expect((await call('DELETE', `/tyk/keys/${created.body.key}`, '/tyk/keys/{keyID}')).body).toMatchObject({ status: 'ok', action: 'deleted' });
    expect((await call('DELETE', '/tyk/keys/no-such-key-0123456789', '/tyk/keys/{keyID}')).status).toBe(404);

    // OAuth clients.
    expect((await call('POST', '/tyk/apis', '/tyk/apis', oauthApi('routes-oauth'))).status).toBe(200);
    const oauthPolicy = { id: 'routes-oauth-pol', access_rights: { 'routes-oauth': {} } };
    expect((await call('POST', '/tyk/policies', '/tyk/policies', oauthPolicy)).status).toBe(200);
    const client = await call('POST', '/tyk/oauth/clients/create', '/tyk/oauth/clients/create', {
      api_id: 'routes-oauth',
      policy_id: 'routes-oauth-pol',
      redirect_uri: 'https://app.example/cb',
    });
    expect(client.status).toBe(200);
    const clientPath = `/tyk/oauth/clients/routes-oauth/${client.body.client_id}`;
    expect(
      (await call('POST', '/tyk/oauth/clients/create', '/tyk/oauth/clients/create', { api_id: 'routes-oauth', policy_id: 'routes-oauth-pol', redirect_uri: 7 }))
        .status,
    ).toBe(400);
    expect((await call('GET', '/tyk/oauth/clients/routes-oauth', '/tyk/oauth/clients/{apiID}')).status).toBe(200);
    expect((await call('GET', '/tyk/oauth/clients/nobody', '/tyk/oauth/clients/{apiID}')).status).toBe(404);
    expect((await call('GET', clientPath, '/tyk/oauth/clients/{apiID}/{keyName}')).status).toBe(200);
    expect((await call('GET', '/tyk/oauth/clients/routes-oauth/nobody', '/tyk/oauth/clients/{apiID}/{keyName}')).status).toBe(404);
    expect((await call('PUT', clientPath, '/tyk/oauth/clients/{apiID}/{keyName}', { description: 'renamed' })).status).toBe(200);
    expect((await call('PUT', clientPath, '/tyk/oauth/clients/{apiID}/{keyName}', [])).status).toBe(400);
    expect((await call('GET', `${clientPath}/tokens`, '/tyk/oauth/clients/{apiID}/{keyName}/tokens')).status).toBe(200);
    expect((await call('GET', '/tyk/oauth/clients/routes-oauth/nobody/tokens', '/tyk/oauth/clients/{apiID}/{keyName}/tokens')).status).toBe(404);
    const rotated = await call('PUT', `${clientPath}/rotate`, '/tyk/oauth/clients/{apiID}/{keyName}/rotate');
    expect(rotated.status).toBe(200);
    expect((await call('PUT', '/tyk/oauth/clients/routes-oauth/nobody/rotate', '/tyk/oauth/clients/{apiID}/{keyName}/rotate')).status).toBe(404);
    const credentials = { client_id: client.body.client_id, client_secret: rotated.body.secret };
    expect(
      (await call('POST', '/tyk/oauth/revoke', '/tyk/oauth/revoke', { ...credentials, token: 'not-a-token', token_type_hint: 'access_token' })).status,
    ).toBe(200);
    expect((await call('POST', '/tyk/oauth/revoke', '/tyk/oauth/revoke', credentials)).status).toBe(400);
    expect((await call('POST', '/tyk/oauth/revoke_all', '/tyk/oauth/revoke_all', credentials)).status).toBe(200);
    expect([400, 401]).toContain(
      (await call('POST', '/tyk/oauth/revoke_all', '/tyk/oauth/revoke_all', { client_id: client.body.client_id, client_secret: 'wrong' })).status,
    );
    expect((await call('DELETE', clientPath, '/tyk/oauth/clients/{apiID}/{keyName}')).status).toBe(200);
    expect((await call('DELETE', clientPath, '/tyk/oauth/clients/{apiID}/{keyName}')).status).toBe(404);

    // Reload: nothing to do, answered ok.
    expect((await call('GET', '/tyk/reload', '/tyk/reload')).body).toMatchObject({ status: 'ok' });
    expect((await call('GET', '/tyk/reload/group', '/tyk/reload/group')).body).toMatchObject({ status: 'ok' });

    // Not served: 404 in Tyk's error shape.
    const unserved = await fetch(`${gateway.url}/tyk/apis/oas`, { headers: tyk });
    expect(unserved.status).toBe(404);
    expect(await unserved.json()).toMatchObject({ status: 'error', message: expect.any(String) });
  });
});
