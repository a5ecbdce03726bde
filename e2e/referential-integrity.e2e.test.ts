import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

/**
 * Referential integrity across the services: the registry owns APIs and policies, the auth service
 * the credentials naming them. A client, key or catalogue entry naming one that does not exist is
 * refused (400 naming the field) by every door, and nothing is stored; a credential whose policy or
 * API is deleted afterwards is refused at the gateway with a 403 that says which is gone.
 */
describeWithServices('referential integrity: credentials name only APIs and policies that exist', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const native = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_refint');
    upstream = await startUpstream();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret });
    await gatewayReady(gateway);
    const api = (api_id: string, fields: Record<string, unknown> = {}) => ({
      api_id,
      name: api_id,
      use_keyless: false,
      proxy: { listen_path: `/${api_id}/`, target_url: upstream.url, strip_listen_path: true },
      ...fields,
    });
    expect((await tykCall('POST', '/tyk/apis', api('ri-oauth', { use_oauth2: true }))).status).toBe(200);
    expect((await tykCall('POST', '/tyk/apis', api('ri-keys'))).status).toBe(200);
    expect(
      (
        await tykCall('POST', '/tyk/policies', {
          id: 'ri-gold',
          name: 'gold',
          access_rights: { 'ri-oauth': { api_id: 'ri-oauth' }, 'ri-keys': { api_id: 'ri-keys' } },
        })
      ).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  async function tykCall(method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function adminCall(method: string, path: string, body?: unknown) {
    const response = await fetch(`${registry.url}${path}`, { method, headers: native, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async function dataPlane(path: string, key: string) {
    const response = await fetch(`${gateway.url}${path}`, { headers: { authorization: key } });
    return { status: response.status, body: (await response.json()) as any };
  }

  const clientCount = async () => ((await adminCall('GET', '/admin/oauth/clients')).body as unknown[]).length;
  const keyCount = async () => ((await tykCall('GET', '/tyk/keys')).body.keys as unknown[]).length;

  describe('every door refuses a missing reference with 400 naming the field, and stores nothing', () => {
    it("Tyk's POST /tyk/oauth/clients/create: an unknown policy_id, an unknown api_id", async () => {
      const before = await clientCount();
      expect(await tykCall('POST', '/tyk/oauth/clients/create', { api_id: 'ri-oauth', policy_id: 'no-such-policy' })).toEqual({
        status: 400,
        body: {
          status: 'error',
          error: 'validation_failed',
          message: expect.any(String),
          details: [{ field: 'policy_id', message: 'no policy has id "no-such-policy"' }],
        },
      });
      expect(await tykCall('POST', '/tyk/oauth/clients/create', { api_id: 'no-such-api', policy_id: 'ri-gold' })).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'api_id', message: 'no API has id "no-such-api"' }] },
      });
      expect(await clientCount()).toBe(before);
      expect((await tykCall('GET', '/tyk/oauth/clients/ri-oauth')).body).toEqual([]);
      // The same body with the policy that exists is a client.
      expect((await tykCall('POST', '/tyk/oauth/clients/create', { api_id: 'ri-oauth', policy_id: 'ri-gold' })).status).toBe(200);
    });

    it('the native admin API: create, an update adding a reference, an initial access token', async () => {
      const before = await clientCount();
      const refused = await adminCall('POST', '/admin/oauth/clients', {
        client_name: 'x',
        grant_types: ['client_credentials'],
        api_ids: ['ri-oauth', 'ghost-api'],
        policy_ids: ['ghost-policy'],
      });
      expect(refused).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(refused.body.details).toEqual([
        { field: 'api_ids.1', message: 'no API has id "ghost-api"' },
        { field: 'policy_ids.0', message: 'no policy has id "ghost-policy"' },
      ]);
      expect(await clientCount()).toBe(before);

      const created = await adminCall('POST', '/admin/oauth/clients', {
        client_name: 'x',
        grant_types: ['client_credentials'],
        api_ids: ['ri-oauth'],
        policy_ids: ['ri-gold'],
      });
      expect(created.status).toBe(201);
      const { client_id } = created.body;
      const update = await adminCall('PUT', `/admin/oauth/clients/${client_id}`, {
        client_name: 'x',
        grant_types: ['client_credentials'],
        api_ids: ['ri-oauth'],
        policy_ids: ['ri-gold', 'ghost-policy'],
      });
      expect(update).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'policy_ids.1', message: 'no policy has id "ghost-policy"' }] },
      });
      expect((await adminCall('GET', `/admin/oauth/clients/${client_id}`)).body.policy_ids).toEqual(['ri-gold']);

      // RFC 7591 registration names no API or policy itself: the initial access token does.
      const token = await adminCall('POST', '/admin/oauth/initial-access-tokens', { api_ids: ['ghost-api'], policy_ids: ['ri-gold'] });
      expect(token).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'api_ids.0', message: 'no API has id "ghost-api"' }] },
      });
    });

    it("Tyk's /tyk/keys: an unknown policy in apply_policies, an unknown API in access_rights, on create and update", async () => {
      const before = await keyCount();
      expect(await tykCall('POST', '/tyk/keys', { apply_policies: ['ri-gold', 'no-such-policy'] })).toMatchObject({
        status: 400,
        body: { status: 'error', error: 'validation_failed', details: [{ field: 'apply_policies.1', message: 'no policy has id "no-such-policy"' }] },
      });
      expect(await tykCall('POST', '/tyk/keys', { access_rights: { 'no-such-api': { api_id: 'no-such-api' } } })).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'access_rights.no-such-api', message: 'no API has id "no-such-api"' }] },
      });
      expect(await keyCount()).toBe(before);
      const { key } = (await tykCall('POST', '/tyk/keys', { apply_policies: ['ri-gold'] })).body;
      expect(await tykCall('PUT', `/tyk/keys/${key}`, { apply_policies: ['no-such-policy'] })).toMatchObject({
        status: 400,
        body: { details: [{ field: 'apply_policies.0' }] },
      });
      expect((await tykCall('GET', `/tyk/keys/${key}`)).body.apply_policies).toEqual(['ri-gold']);
    });

    it("the native admin API's OAuth 1.0a token credentials: an unknown policy in the session", async () => {
      const consumer = await adminCall('POST', '/admin/oauth1/consumers', { name: 'ri consumer' });
      expect(consumer.status).toBe(201);
      const before = await keyCount();
      const refused = await adminCall('POST', `/admin/oauth1/consumers/${consumer.body.consumer_key}/tokens`, {
        session: { apply_policies: ['no-such-policy'] },
      });
      expect(refused).toMatchObject({
        status: 400,
        body: { error: 'validation_failed', details: [{ field: 'apply_policies.0', message: 'no policy has id "no-such-policy"' }] },
      });
      expect(await keyCount()).toBe(before);
    });

    it('the portal catalogue: an unknown API and an unknown policy, both named', async () => {
      const before = (await adminCall('GET', '/admin/portal/catalogue')).body.length;
      const refused = await adminCall('POST', '/admin/portal/catalogue', {
        api_id: 'ghost-api',
        policy_id: 'ghost-policy',
        name: 'Ghost',
        credential_kind: 'api_key',
      });
      expect(refused).toMatchObject({ status: 400, body: { error: 'validation_failed' } });
      expect(refused.body.details).toEqual([
        { field: 'api_id', message: 'no API has id "ghost-api"' },
        { field: 'policy_id', message: 'no policy has id "ghost-policy"' },
      ]);
      expect((await adminCall('GET', '/admin/portal/catalogue')).body.length).toBe(before);
    });
  });

  describe('deleting what credentials name stays allowed; their requests get 403 saying what is gone', () => {
    it('a policy: the key applying it gets 403 credential_inactive naming the policy', async () => {
      expect(
        (await tykCall('POST', '/tyk/policies', { id: 'ri-short-lived', name: 'short', access_rights: { 'ri-keys': { api_id: 'ri-keys' } } })).status,
      ).toBe(200);
      const { key } = (await tykCall('POST', '/tyk/keys', { apply_policies: ['ri-short-lived'] })).body;
      await waitFor(async () => (await dataPlane('/ri-keys/x', key)).status === 200, { timeoutMs: 5_000, message: 'the key to work' });
      expect((await tykCall('DELETE', '/tyk/policies/ri-short-lived')).status).toBe(200);
      await waitFor(async () => (await dataPlane('/ri-keys/x', key)).status === 403, { timeoutMs: 5_000, message: 'the key to be refused' });
      expect(await dataPlane('/ri-keys/x', key)).toEqual({
        status: 403,
        body: { error: 'credential_inactive', message: "Policy 'ri-short-lived' no longer exists" },
      });
      // Rights of an update may keep the reference that went missing (renaming works), not add one.
      expect((await tykCall('PUT', `/tyk/keys/${key}`, { apply_policies: ['ri-short-lived'], alias: 'renamed' })).status).toBe(200);
    });

    it('an API: a key with rights for it, at the API that replaced it on its path, gets 403 access_denied naming it', async () => {
      const route = (api_id: string) => ({
        api_id,
        name: api_id,
        use_keyless: false,
        proxy: { listen_path: '/ri-replaced/', target_url: upstream.url, strip_listen_path: true },
      });
      expect((await tykCall('POST', '/tyk/apis', route('ri-v1'))).status).toBe(200);
      const { key } = (await tykCall('POST', '/tyk/keys', { access_rights: { 'ri-v1': { api_id: 'ri-v1' } } })).body;
      await waitFor(async () => (await dataPlane('/ri-replaced/x', key)).status === 200, { timeoutMs: 5_000, message: 'the key to work' });
      expect((await tykCall('DELETE', '/tyk/apis/ri-v1')).status).toBe(200);
      expect((await tykCall('POST', '/tyk/apis', route('ri-v2'))).status).toBe(200);
      await waitFor(async () => (await dataPlane('/ri-replaced/x', key)).status === 403, { timeoutMs: 5_000, message: 'the key to be refused' });
      expect(await dataPlane('/ri-replaced/x', key)).toEqual({ status: 403, body: { error: 'access_denied', message: "API 'ri-v1' no longer exists" } });
    });
  });
});
