import { randomBytes } from 'node:crypto';
import { Bus, createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDcrProvider, type DcrProviderFixture } from '../tools/test/oidc-dcr-provider.js';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { alertOf as alert, decodeHtml, HttpBrowser } from './support/http-browser.js';
import { runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

function credential(html: string, kind: string): string {
  const value = new RegExp(`data-credential="${kind}"[^>]*>([^<]*)<`).exec(html)?.[1];
  if (value === undefined) throw new Error(`no ${kind} on the page: ${html.slice(0, 500)}`);
  return decodeHtml(value);
}

/**
 * The developer portal with Dynamic Client Registration at an external provider (oidc-provider,
 * registration behind an initial access token), end to end: registry, auth service and gateway as
 * processes on the real NATS and PostgreSQL; the admin configures the provider and the catalogue
 * through the admin API; the developer signs up and creates an app through the portal's pages; the
 * client appears at the provider, its client_credentials token is accepted by the gateway with the
 * entry's policy (rate limit) and refused once the app is deleted. A provider that refuses or is
 * down leaves nothing behind.
 */
describeWithServices('developer portal: DCR at an external provider, trusted by the gateway', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(3).toString('hex');
  const apiId = `dcr-orders-${runId}`;
  const policyId = `dcr-bronze-${runId}`;
  const email = `dev-${runId}@example.test`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let idp: DcrProviderFixture;
  let transport: BusTransport;
  let bus: Bus;
  let developer: HttpBrowser;
  let entryId: string;
  let developerId: string;

  async function admin(method: string, path: string, body?: unknown) {
    const headers: Record<string, string> = { authorization: `Bearer ${adminSecret}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${registry.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as any) };
  }

  const callApi = async (token: string) => {
    const response = await fetch(`${gateway.url}/${apiId}/orders`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.text() };
  };

  const snapshotBindings = async () => (await bus.request(subjects.registrySnapshot, {})).client_bindings;
  const developerApps = async () => (await admin('GET', `/admin/portal/developers/${developerId}/apps`)).body as { id: string; name: string }[];

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_portal_dcr');
    upstream = await startUpstream();
    idp = await startDcrProvider();
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { AUTH_PUBLIC_URL: auth.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'the gateway to be ready' });
    transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], name: 'e2e-portal-dcr', subjectPrefix: runSubjectPrefix });
    await transport.client.connect();
    bus = new Bus(transport);
    developer = new HttpBrowser(registry.url);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), registry?.stop(), auth?.stop()]);
    await transport?.client.close();
    await upstream?.close();
    await idp?.close();
    await database?.drop();
  });

  it('the admin configures the provider, the API trusting it, and a catalogue entry registering clients there', async () => {
    const provider = await admin('POST', '/admin/portal/providers', {
      name: 'Corporate IdP',
      discovery_url: idp.issuer,
      initial_access_token: idp.initialAccessToken,
    });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    expect(provider.body).toMatchObject({ issuer: idp.issuer, registration_endpoint: `${idp.issuer}/reg`, has_initial_access_token: true });

    const policy = await admin('POST', '/admin/policies', {
      id: policyId,
      name: 'DCR bronze',
      rate: 3,
      per: 60,
      access_rights: { [apiId]: { api_id: apiId } },
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const api = await admin('POST', '/admin/apis', {
      api_id: apiId,
      name: 'Orders (external identities)',
      use_keyless: false,
      enable_jwt: true,
      // The provider's keys, found through its discovery document; identity from client_id (Tyk's
      // jwt_identity_base_field); a pol claim would win, but this provider sets none.
      jwt_issuers: [{ issuer: idp.issuer, signing_methods: ['ecdsa'], audiences: [idp.audience] }],
      jwt_identity_base_field: 'client_id',
      jwt_policy_field_name: 'pol',
      proxy: { listen_path: `/${apiId}/`, target_url: upstream.url, strip_listen_path: true },
    });
    expect(api.status, JSON.stringify(api.body)).toBe(201);

    const entry = await admin('POST', '/admin/portal/catalogue', {
      api_id: apiId,
      policy_id: policyId,
      name: 'Orders',
      description: 'Orders, with credentials from the corporate IdP',
      credential_kind: 'external_dcr',
      provider_id: provider.body.id,
      published: true,
    });
    expect(entry.status, JSON.stringify(entry.body)).toBe(201);
    entryId = entry.body.id;
  });

  it('a developer signs up and logs in through the portal pages', async () => {
    const signedUp = await developer.submit('/portal/signup', '/portal/signup', { email, password: 'a-long-enough-password' });
    expect(signedUp.status, signedUp.html.slice(0, 500)).toBe(303);
    const loggedIn = await developer.submit('/portal/login', '/portal/login', { email, password: 'a-long-enough-password' });
    expect(loggedIn.status, loggedIn.html.slice(0, 500)).toBe(303);
    developerId = ((await admin('GET', '/admin/portal/developers')).body as { id: string; email: string }[]).find((d) => d.email === email)!.id;
  });

  let clientId: string;
  let clientSecret: string;
  let appId: string;
  let token: string;

  it('creating the app registers a client at the provider, shown once with the provider’s token endpoint', async () => {
    const created = await developer.submit(`/portal/apps/new?entry=${entryId}`, '/portal/apps', { entry_id: entryId, name: 'My orders app' });
    expect(created.status, alert(created.html) || created.html.slice(0, 500)).toBe(201);
    clientId = credential(created.html, 'client_id');
    clientSecret = credential(created.html, 'client_secret');
    expect(credential(created.html, 'token_endpoint')).toBe(`${idp.issuer}/token`);
    appId = /href="\/portal\/apps\/([0-9a-f-]{36})"/.exec(created.html)![1]!;
    expect(idp.clientIds()).toContain(clientId);
    expect(await snapshotBindings()).toEqual([{ issuer: idp.issuer, client_id: clientId, api_id: apiId, policy_ids: [policyId], app_id: appId }]);
    // The secret is not shown again.
    const page = await developer.get(`/portal/apps/${appId}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(clientId);
    expect(page.html).not.toContain(clientSecret);
  });

  it('the provider issues a client_credentials token, and the gateway accepts it with the entry’s policy limits', async () => {
    const issued = await idp.clientCredentials(clientId, clientSecret);
    expect(issued.status, JSON.stringify(issued.body)).toBe(200);
    token = issued.body.access_token as string;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ iss: idp.issuer, client_id: clientId });
    expect(claims.pol).toBeUndefined();

    // The binding reaches the gateway as an event; until then the token names no policy (401, which
    // spends no allowance). The policy allows 3 requests a minute: the fourth is refused.
    await waitFor(async () => (await callApi(token)).status === 200, { timeoutMs: 5_000, message: 'the gateway to accept the token' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await callApi(token)).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Another API the policy does not grant is not opened by the token.
    expect((await fetch(`${gateway.url}/no-such-api/x`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });

  it('deleting the app deletes the client at the provider, and its token stops working at the gateway', async () => {
    const deleted = await developer.submit(`/portal/apps/${appId}`, `/portal/apps/${appId}/delete`, {});
    expect(deleted.status).toBe(303);
    expect(deleted.location?.href).toBe(`${registry.url}/portal/apps?done=app-deleted`);
    expect(idp.clientIds()).not.toContain(clientId);
    expect((await idp.clientCredentials(clientId, clientSecret)).status).toBe(401);
    expect(await snapshotBindings()).toEqual([]);
    // Still within its exp at the provider, and cached at the gateway: refused all the same.
    await waitFor(async () => (await callApi(token)).status === 401, { timeoutMs: 5_000, message: 'the deleted app’s token to be refused' });
    expect(await developerApps()).toEqual([]);
  });

  it('a provider that refuses the registration shows its reason and leaves nothing behind', async () => {
    const before = idp.clientIds();
    const refused = await developer.submit(`/portal/apps/new?entry=${entryId}`, '/portal/apps', { entry_id: entryId, name: 'A forbidden app' });
    expect(refused.status).toBe(502);
    expect(alert(refused.html)).toContain('client_name is not allowed by this provider’s policy');
    expect(idp.clientIds()).toEqual(before);
    expect(await developerApps()).toEqual([]);
    expect(await snapshotBindings()).toEqual([]);
  });

  it('a provider that is down gives a clear message and leaves nothing behind', async () => {
    await idp.close();
    const down = await developer.submit(`/portal/apps/new?entry=${entryId}`, '/portal/apps', { entry_id: entryId, name: 'Another app' });
    expect(down.status).toBe(502);
    expect(alert(down.html)).toMatch(/could not be reached/);
    expect(await developerApps()).toEqual([]);
    expect(await snapshotBindings()).toEqual([]);
  });
});
