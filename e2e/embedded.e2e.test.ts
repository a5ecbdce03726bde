import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeEmbeddedPorts, startEmbeddedProcess, type EmbeddedPorts, type EmbeddedProcess } from './support/embedded-process.js';
import { spawnNode, startUpstream, waitFor, type EchoReply, type Upstream } from './support/processes.js';

/**
 * `npm start` (embedded: one process, in-process bus, PGlite in DATA_DIR) on a fresh data
 * directory: the core flow through both admin APIs, then a restart that keeps data and secret.
 * Needs neither NATS nor PostgreSQL, which is the point of the embedded mode.
 */
describe('embedded mode (npm start)', () => {
  let dataDir: string;
  let ports: EmbeddedPorts;
  let upstream: Upstream;
  let portcullis: EmbeddedProcess | null = null;
  let secret: string;
  const suffix = randomUUID().slice(0, 8);
  const nativeApi = { api_id: `native-${suffix}`, name: 'Native', use_keyless: true, proxy: { listen_path: '/native/', strip_listen_path: true } };
  const tykApi = {
    api_id: `tyk-${suffix}`,
    name: 'Tyk',
    org_id: 'default',
    active: true,
    use_keyless: true,
    proxy: { listen_path: '/tyk-classic/v1/', strip_listen_path: true },
  };

  const failWithOutput = (error: unknown): never => {
    throw new Error(`${(error as Error).message}\n--- launcher output ---\n${portcullis?.process.logs() ?? ''}`);
  };

  /** Waits until the gateway proxies `path` to the upstream (config changes apply without a reload). */
  const proxied = (path: string) =>
    waitFor(
      async () => {
        const response = await fetch(`${portcullis!.urls.gateway}${path}`);
        return response.status === 200 ? ((await response.json()) as EchoReply) : null;
      },
      { timeoutMs: 5_000, message: `the gateway to proxy ${path}` },
    ).catch(failWithOutput);

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-embedded-'));
    ports = await freeEmbeddedPorts();
    upstream = await startUpstream();
    portcullis = await startEmbeddedProcess(dataDir, ports);
  });

  afterAll(async () => {
    await portcullis?.stop();
    await upstream?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('prints the three URLs on the requested ports and a generated secret kept in DATA_DIR', async () => {
    expect(portcullis!.urls.gateway).toMatch(new RegExp(`:${ports.gateway}$`));
    expect(portcullis!.urls.registry).toMatch(new RegExp(`:${ports.registry}$`));
    expect(portcullis!.urls.auth).toMatch(new RegExp(`:${ports.auth}$`));
    secret = (await readFile(join(dataDir, 'admin-secret'), 'utf8')).trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(portcullis!.printedSecret).toBe(secret);
    expect(portcullis!.banner).toContain(`data: ${dataDir}`);
    for (const url of Object.values(portcullis!.urls)) expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('refuses a second launcher on the same data directory', async () => {
    const second = spawnNode(['apps/portcullis/dist/main.js'], { DATA_DIR: dataDir, GATEWAY_PORT: '0', REGISTRY_PORT: '0', AUTH_PORT: '0' });
    expect(await second.exited).toBe(1);
    expect(second.logs()).toContain('in use by another Portcullis');
  });

  it('creates a keyless API through the registry admin API (Bearer secret) and proxies it', async () => {
    const url = `${portcullis!.urls.registry}/admin/apis`;
    const body = JSON.stringify({ ...nativeApi, proxy: { ...nativeApi.proxy, target_url: upstream.url } });
    const headers = { 'content-type': 'application/json' };
    expect((await fetch(url, { method: 'POST', headers, body })).status).toBe(401);
    const created = await fetch(url, { method: 'POST', headers: { ...headers, authorization: `Bearer ${secret}` }, body });
    expect(created.status, await created.clone().text()).toBe(201);

    const echo = await proxied('/native/hello?x=1&y=two');
    expect(echo).toMatchObject({ method: 'GET', path: '/hello', query: { x: '1', y: 'two' } });
  });

  it('creates one through the gateway Tyk API (x-tyk-authorization) and proxies it', async () => {
    const body = JSON.stringify({ ...tykApi, proxy: { ...tykApi.proxy, target_url: `${upstream.url}/base` } });
    const response = await fetch(`${portcullis!.urls.gateway}/tyk/apis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tyk-authorization': secret },
      body,
    });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toEqual({ key: tykApi.api_id, status: 'ok', action: 'added' });

    const echo = await proxied('/tyk-classic/v1/users');
    expect(echo).toMatchObject({ method: 'GET', path: '/base/users' });
  });

  it("runs Tyk's OAuth client-credentials flow, and sends browsers to the login page where auth really listens", async () => {
    const gateway = portcullis!.urls.gateway;
    const api = await fetch(`${portcullis!.urls.registry}/admin/apis`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ api_id: 'openApi', name: 'Open', use_oauth2: true, proxy: { listen_path: '/hub/v2/', target_url: upstream.url } }),
    });
    expect(api.status, await api.clone().text()).toBe(201);
    const policy = await fetch(`${portcullis!.urls.registry}/admin/policies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ id: 'openApi', name: 'Open', access_rights: { openApi: { api_id: 'openApi' } } }),
    });
    expect(policy.status, await policy.clone().text()).toBe(201);
    const created = await fetch(`${gateway}/tyk/oauth/clients/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tyk-authorization': secret },
      body: JSON.stringify({ api_id: 'openApi', redirect_uri: 'http://www.test.fr', policy_id: 'openApi' }),
    });
    expect(created.status, await created.clone().text()).toBe(200);
    const client = (await created.json()) as { client_id: string; secret: string };
    const token = await fetch(`${gateway}/hub/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: client.client_id, client_secret: client.secret, grant_type: 'client_credentials' }),
    });
    expect(token.status).toBe(200);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(await token.json()).toMatchObject({ token_type: 'Bearer', expires_in: 3600, access_token: expect.any(String) });

    const authorize = await fetch(`${gateway}/hub/v2/oauth/authorize/?response_type=code&client_id=${client.client_id}&state=s`, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    expect(authorize.headers.get('location')).toMatch(new RegExp(`^${portcullis!.urls.auth}/oauth/authorize\\?`));
  });

  it('stops cleanly on SIGTERM and, restarted on the same DATA_DIR, keeps the APIs and the secret', async () => {
    expect(await portcullis!.stop()).toBe(0);
    portcullis = null;

    portcullis = await startEmbeddedProcess(dataDir, ports);
    expect(portcullis.printedSecret).toBe(secret);
    expect(portcullis.banner).toContain(`admin secret: ${secret}  (from `);

    const list = await fetch(`${portcullis.urls.registry}/admin/apis`, { headers: { authorization: `Bearer ${secret}` } });
    expect(list.status).toBe(200);
    const ids = ((await list.json()) as { api_id: string }[]).map((api) => api.api_id);
    expect(ids).toEqual(expect.arrayContaining([nativeApi.api_id, tykApi.api_id]));

    // The restarted gateway serves both from its first snapshot.
    expect(await proxied('/native/again')).toMatchObject({ path: '/again' });
    expect(await proxied('/tyk-classic/v1/again')).toMatchObject({ path: '/base/again' });
  });
});
