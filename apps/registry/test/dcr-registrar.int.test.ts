import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Bus, createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type ClientBindingChangedEvent, type RegistrySnapshot, type Reply } from '@portcullis/contracts';
import { openDatabase } from '@portcullis/database';
import { PortcullisError } from '@portcullis/errors';
import type { RunningService } from '@portcullis/http';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { firstValueFrom, timeout } from 'rxjs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDcrProvider, type DcrProviderFixture } from '../../../tools/test/oidc-dcr-provider.js';
import { waitFor } from '../../../tools/test/wait-for.js';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { ClientBindings } from '../src/client-bindings/client-bindings.js';
import { DcrProviderRecord } from '../src/portal/providers/dcr-provider.entity.js';
import { DcrRegistrar, type ExternalRegistration } from '../src/portal/providers/dcr-registrar.js';
import { ExternalRegistrationRecord } from '../src/portal/providers/external-registration.entity.js';
import { ExternalRegistrations } from '../src/portal/providers/external-registrations.js';
import { ProvidersService } from '../src/portal/providers/providers.service.js';
import { SecretSealer } from '../src/portal/providers/sealed-secrets.js';
import { CatalogueStore } from '../src/portal/storage/catalogue-store.js';
import { ExternalRegistrationStore, ProviderStore } from '../src/portal/storage/provider-store.js';
import { Transactions } from '../src/storage/transactions.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';
import { registryEntities, registryMigrations } from '../src/schema.js';

/**
 * The DCR side of the developer portal against a real oidc-provider (registration behind an initial
 * access token, RFC 7592 management), on the real PostgreSQL and NATS: the admin API that discovers
 * and checks providers, the registrar, the sealed registrations, and client bindings published after
 * commit and carried in the snapshot.
 */
describeWithServices('DCR: providers, registrar and client bindings against oidc-provider', () => {
  const secret = 'dcr-int-test-secret-' + randomBytes(8).toString('hex');
  const schema = `registry_dcr_${randomBytes(6).toString('hex')}`;
  const prefix = `${testServices.subjectPrefix}dcr${randomBytes(4).toString('hex')}.`;
  let idp: DcrProviderFixture;
  let registry: RunningService;
  let dataSource: DataSource;
  let transport: BusTransport;
  let caller: BusTransport;
  let nats: NatsConnection;
  let providers: ProvidersService;
  let registrar: DcrRegistrar;
  let registrations: ExternalRegistrations;
  let bindings: ClientBindings;
  let providerId: string;
  const events: ClientBindingChangedEvent[] = [];
  const servers: Server[] = [];

  const auth = { authorization: `Bearer ${secret}` };
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${registry.url}${path}`, {
      method,
      headers: body === undefined ? auth : { ...auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: response.status === 204 ? null : ((await response.json()) as any) };
  };

  /** A bare HTTP server answering every request with `handler` (or never, when it returns null). */
  async function serve(handler: (path: string) => { status: number; body: unknown } | null): Promise<string> {
    const server = createServer((req, res) => {
      const answer = handler(req.url ?? '/');
      if (answer === null) return; // hangs
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async function refusal(work: Promise<unknown>): Promise<PortcullisError> {
    const error = await work.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortcullisError);
    return error as PortcullisError;
  }

  beforeAll(async () => {
    idp = await startDcrProvider();
    nats = await connect({ servers: testServices.natsUrl, name: 'dcr-int-listener' });
    const subscription = nats.subscribe(prefix + subjects.registryClientBindingChanged);
    void (async () => {
      for await (const message of subscription) events.push((message.json() as { data: ClientBindingChangedEvent }).data);
    })();
    await nats.flush();
    transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: prefix, name: 'dcr-int-registry' });
    const config = loadRegistryConfig({ NATS_URL: testServices.natsUrl, REGISTRY_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: secret, LOG_LEVEL: 'silent' });
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    dataSource = await openDatabase({
      url: testServices.databaseUrl,
      schema,
      entities: registryEntities,
      migrations: registryMigrations,
      applicationName: 'dcr-int-test',
    });
    caller = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: prefix, name: 'dcr-int-caller' });
    await caller.client.connect();
    const sealer = new SecretSealer({ adminSecret: secret });
    providers = new ProvidersService(new ProviderStore(dataSource), new ExternalRegistrationStore(dataSource), new CatalogueStore(dataSource), sealer);
    registrar = new DcrRegistrar(providers);
    registrations = new ExternalRegistrations(new ExternalRegistrationStore(dataSource), sealer);
    bindings = new ClientBindings(new Transactions(dataSource), new Bus(caller));
    bindings.onModuleInit();
  });

  afterAll(async () => {
    bindings?.onModuleDestroy();
    await registry?.close();
    await dataSource?.destroy();
    await caller?.client.close();
    await nats?.drain();
    await idp?.close();
    for (const server of servers) {
      server.closeAllConnections();
      server.close();
    }
    await dropScratchSchemas(schema);
  });

  it('admin API: a provider is discovered and checked on save; its initial access token is sealed and never shown', async () => {
    const created = await admin('POST', '/admin/portal/providers', {
      name: 'Test IdP',
      discovery_url: idp.issuer,
      initial_access_token: idp.initialAccessToken,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Test IdP',
      issuer: idp.issuer,
      registration_endpoint: `${idp.issuer}/reg`,
      token_endpoint: `${idp.issuer}/token`,
      jwks_uri: `${idp.issuer}/jwks`,
      has_initial_access_token: true,
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    });
    expect(JSON.stringify(created.body)).not.toContain(idp.initialAccessToken);
    providerId = created.body.id;
    const stored = await dataSource.manager.findOneByOrFail(DcrProviderRecord, { id: providerId });
    expect(stored.initialAccessToken).not.toContain(idp.initialAccessToken);
    expect((await admin('GET', `/admin/portal/providers/${providerId}`)).body).toEqual(created.body);
    expect((await admin('GET', '/admin/portal/providers')).body).toEqual([created.body]);

    // The discovery URL itself works too; an update without the token keeps it.
    const updated = await admin('PUT', `/admin/portal/providers/${providerId}`, {
      name: 'Test IdP',
      discovery_url: `${idp.issuer}/.well-known/openid-configuration`,
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ issuer: idp.issuer, has_initial_access_token: true });

    const document = (await (await fetch(`${registry.url}/admin/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths['/admin/portal/providers'] ?? {}).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/admin/portal/providers/{id}'] ?? {}).sort()).toEqual(['delete', 'get', 'put']);
  });

  it('admin API: invalid fields, an unusable discovery document and an unreachable provider are clear errors', async () => {
    const invalid = await admin('POST', '/admin/portal/providers', { name: '', discovery_url: 'ftp://x', grant_types: [], extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toBe('validation_failed');
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['(body)', 'discovery_url', 'grant_types', 'name']);

    const plain = await serve(() => ({
      status: 200,
      body: { issuer: 'https://someone-else.test', token_endpoint: 'https://x.test/token', grant_types_supported: ['authorization_code'] },
    }));
    const unusable = await admin('POST', '/admin/portal/providers', { name: 'Plain', discovery_url: plain });
    expect(unusable.status).toBe(400);
    expect(unusable.body.error).toBe('validation_failed');
    const messages = unusable.body.details.map((d: { message: string }) => d.message).join('\n');
    expect(messages).toContain('no registration_endpoint');
    expect(messages).toContain('no valid jwks_uri');
    expect(messages).toContain('names issuer "https://someone-else.test"');
    expect(messages).toContain('does not list grant type "client_credentials"');

    const closed = await serve(() => ({ status: 200, body: {} }));
    servers.at(-1)!.close();
    servers.at(-1)!.closeAllConnections();
    const down = await admin('POST', '/admin/portal/providers', { name: 'Down', discovery_url: closed });
    expect(down.status).toBe(502);
    expect(down.body.error).toBe('provider_unavailable');
    expect(down.body.message).toContain('could not be reached for discovery');

    expect((await admin('GET', `/admin/portal/providers/${randomUUID()}`)).status).toBe(404);
    expect((await admin('GET', '/admin/portal/providers/not-a-uuid')).status).toBe(404);
    expect((await fetch(`${registry.url}/admin/portal/providers`)).status).toBe(401);
  });

  it('registers a client (RFC 7591) that gets tokens, updates it and deletes it (RFC 7592)', async () => {
    const registration = await registrar.register(providerId, { client_name: 'Orders app' });
    expect(registration).toMatchObject({ provider_id: providerId, issuer: idp.issuer, token_endpoint: `${idp.issuer}/token` });
    expect(registration.registration_client_uri).toBe(`${idp.issuer}/reg/${registration.client_id}`);
    expect(idp.clientIds()).toContain(registration.client_id);
    const token = await idp.clientCredentials(registration.client_id, registration.client_secret!);
    expect(token.status, JSON.stringify(token.body)).toBe(200);

    const updated = await registrar.update(registration, { client_name: 'Orders app (renamed)' });
    expect(updated.client_id).toBe(registration.client_id);
    // oidc-provider rotates the registration access token on every PUT: the new one is what counts.
    expect(updated.registration_access_token).not.toBe(registration.registration_access_token);

    await registrar.remove(updated);
    expect(idp.clientIds()).not.toContain(registration.client_id);
    expect((await idp.clientCredentials(registration.client_id, registration.client_secret!)).status).toBe(401);
    // Deleting again: the provider no longer knows it, which is what we wanted.
    await registrar.remove(updated);
  });

  it('a refusal carries the provider’s error_description and registers nothing', async () => {
    const before = idp.clientIds().length;
    const refused = await refusal(registrar.register(providerId, { client_name: 'A forbidden app' }));
    expect(refused.code).toBe('provider_refused');
    expect(refused.status).toBe(502);
    expect(refused.message).toContain('client_name is not allowed by this provider’s policy');
    expect(idp.clientIds()).toHaveLength(before);

    // A wrong initial access token is the provider refusing too.
    await admin('PUT', `/admin/portal/providers/${providerId}`, { name: 'Test IdP', discovery_url: idp.issuer, initial_access_token: 'not-the-token' });
    const wrongToken = await refusal(registrar.register(providerId, { client_name: 'Orders app' }));
    expect(wrongToken.code).toBe('provider_refused');
    expect(idp.clientIds()).toHaveLength(before);
    await admin('PUT', `/admin/portal/providers/${providerId}`, { name: 'Test IdP', discovery_url: idp.issuer, initial_access_token: idp.initialAccessToken });

    expect((await refusal(registrar.register(randomUUID(), { client_name: 'x' }))).code).toBe('not_found');
  });

  it('a provider that is down, answers 5xx or does not answer within 5 s is provider_unavailable', async () => {
    const other = await startDcrProvider();
    const created = await admin('POST', '/admin/portal/providers', {
      name: 'Other',
      discovery_url: other.issuer,
      initial_access_token: other.initialAccessToken,
    });
    expect(created.status).toBe(201);
    await other.close();
    const down = await refusal(registrar.register(created.body.id, { client_name: 'x' }));
    expect(down.code).toBe('provider_unavailable');
    expect(down.message).toContain('could not be reached for the registration');

    const failing = await serve(() => ({ status: 500, body: { error: 'server_error' } }));
    const hanging = await serve(() => null);
    for (const [endpoint, expected] of [
      [failing, 'failed the registration (HTTP 500)'],
      [hanging, 'no answer within 5 s'],
    ] as const) {
      await dataSource.manager.update(DcrProviderRecord, { id: created.body.id }, { registrationEndpoint: `${endpoint}/reg` });
      const started = Date.now();
      const error = await refusal(registrar.register(created.body.id, { client_name: 'x' }));
      expect(error.code).toBe('provider_unavailable');
      expect(error.message).toContain(expected);
      expect(Date.now() - started).toBeLessThan(7_000);
    }
    // A provider holding no registrations can go.
    expect((await admin('DELETE', `/admin/portal/providers/${created.body.id}`)).status).toBe(204);
  }, 20_000);

  it('keeps a registration sealed, keyed by app; a provider with registrations cannot be deleted', async () => {
    const registration = await registrar.register(providerId, { client_name: 'Sealed app' });
    const appId = randomUUID();
    await dataSource.transaction((manager) => registrations.save(appId, registration, manager));
    const row = await dataSource.manager.findOneByOrFail(ExternalRegistrationRecord, { appId });
    expect(row.registrationAccessToken).not.toContain(registration.registration_access_token);
    const stored = (await registrations.get(appId))!;
    const { client_secret: _secret, ...withoutSecret } = registration;
    expect(stored).toEqual(withoutSecret);

    // Sealed for this app: moved onto another app's row, it does not open.
    const otherApp = randomUUID();
    await dataSource.manager.insert(ExternalRegistrationRecord, { ...row, appId: otherApp });
    await expect(registrations.get(otherApp)).rejects.toThrow(/sealed under another ADMIN_SECRET/);
    await dataSource.transaction((manager) => registrations.remove(otherApp, manager));

    const refused = await admin('DELETE', `/admin/portal/providers/${providerId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('conflict');

    await registrar.remove(stored as ExternalRegistration);
    await dataSource.transaction((manager) => registrations.remove(appId, manager));
    expect(await registrations.get(appId)).toBeNull();
  });

  it('client bindings: published after commit with the shared revision, none on rollback, carried in the snapshot', async () => {
    const binding = { issuer: idp.issuer, client_id: 'client-1', api_id: 'orders', policy_ids: ['gold'], app_id: randomUUID() };
    await expect(bindings.put(binding, dataSource.manager)).rejects.toThrow(/transaction/);

    await expect(
      dataSource.transaction(async (manager) => {
        await bindings.put({ ...binding, client_id: 'rolled-back' }, manager);
        throw new Error('the app could not be stored');
      }),
    ).rejects.toThrow('the app could not be stored');

    await dataSource.transaction((manager) => bindings.put(binding, manager));
    const created = await waitFor(() => events.find((e) => e.client_id === 'client-1'), { timeoutMs: 5_000, message: 'the created event' });
    expect(created).toMatchObject({ issuer: idp.issuer, change: 'created', binding });
    const snapshot = await snapshotOf();
    expect(snapshot.revision).toBe(created.revision);
    expect(snapshot.client_bindings).toEqual([binding]);

    await dataSource.transaction((manager) => bindings.remove(idp.issuer, 'client-1', manager));
    const deleted = await waitFor(() => events.find((e) => e.client_id === 'client-1' && e.change === 'deleted'), {
      timeoutMs: 5_000,
      message: 'the deleted event',
    });
    expect(deleted).toMatchObject({ revision: created.revision + 1, binding: null });
    expect((await snapshotOf()).client_bindings).toEqual([]);
    expect(events.some((e) => e.client_id === 'rolled-back')).toBe(false);
  });

  async function snapshotOf(): Promise<RegistrySnapshot> {
    const reply = (await firstValueFrom(
      caller.client.send<Reply<RegistrySnapshot>>(subjects.registrySnapshot, {}).pipe(timeout(5_000)),
    )) as Reply<RegistrySnapshot>;
    if (!reply.ok) throw new Error(reply.error.message);
    return reply.value;
  }
});
