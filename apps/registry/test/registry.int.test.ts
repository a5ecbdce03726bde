import { connect, type NatsConnection } from '@nats-io/transport-node';
import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { subjects, type ApiChangedEvent, type RegistrySnapshot, type Reply } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

const secret = 'registry-int-test-secret-' + randomBytes(8).toString('hex');
const schema = `registry_int_${randomBytes(6).toString('hex')}`;
const maxBodyBytes = 16_384;
// Unique per run: other runs may share this NATS, so events are told apart by these.
const tag = randomBytes(4).toString('hex');

describeWithServices('registry (PostgreSQL + NATS)', () => {
  let registry: RunningService;
  let transport: BusTransport;
  let caller: BusTransport;
  let nats: NatsConnection;
  const events: ApiChangedEvent[] = [];

  beforeAll(async () => {
    nats = await connect({ servers: testServices.natsUrl, name: `registry-int-listener-${tag}` });
    const subscription = nats.subscribe(testServices.subjectPrefix + subjects.registryApiChanged);
    void (async () => {
      for await (const message of subscription) events.push((message.json() as { data: ApiChangedEvent }).data);
    })();
    transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `registry-int-${tag}` });
    caller = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: testServices.subjectPrefix,
      name: `registry-int-caller-${tag}`,
    });
    const config = loadRegistryConfig({
      NATS_URL: testServices.natsUrl,
      NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
      REGISTRY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: secret,
      LOG_LEVEL: 'silent',
      ADMIN_MAX_BODY_BYTES: String(maxBodyBytes),
    });
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
    await caller.client.connect();
  });

  afterAll(async () => {
    await registry?.close();
    await caller?.client.close();
    await nats?.drain();
    await dropScratchSchemas(schema);
  });

  const auth = { authorization: `Bearer ${secret}` };
  const json = { ...auth, 'content-type': 'application/json' };

  function call(method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    return fetch(`${registry.url}${path}`, { method, headers: init.headers ?? (body === undefined ? auth : json), body });
  }

  async function stored(): Promise<ApiDefinition[]> {
    const response = await call('GET', '/admin/apis');
    expect(response.status).toBe(200);
    return (await response.json()) as ApiDefinition[];
  }

  async function revision(): Promise<number> {
    return (await busRequest<RegistrySnapshot>(subjects.registrySnapshot, {})).value!.revision;
  }

  async function busRequest<T>(
    subject: string,
    payload: unknown,
  ): Promise<{ ok: boolean; value?: T; error?: { error: string; details?: { field: string }[] } }> {
    return (await firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)))) as never;
  }

  /** Runs a request that must fail, and checks that it changed nothing: same definitions, same revision. */
  async function failsWithoutChange(request: () => Promise<Response>, status: number, code: string): Promise<{ field: string; message: string }[]> {
    const before = await stored();
    const revisionBefore = await revision();
    const response = await request();
    const body = (await response.json()) as { error: string; message: string; details?: { field: string; message: string }[] };
    expect({ status: response.status, error: body.error }).toEqual({ status, error: code });
    expect(typeof body.message).toBe('string');
    expect(body).not.toHaveProperty('stack');
    expect(await stored()).toEqual(before);
    expect(await revision()).toBe(revisionBefore);
    return body.details ?? [];
  }

  async function waitFor<T>(find: () => T | undefined, what: string, deadlineMs = 5_000): Promise<T> {
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  const eventFor = (apiId: string, change: ApiChangedEvent['change']) =>
    waitFor(() => events.find((e) => e.api_id === apiId && e.change === change), `${change} event of ${apiId}`);

  const definition = (path: string, extra: Record<string, unknown> = {}) => ({
    name: `API ${path}`,
    use_keyless: true,
    proxy: { listen_path: `/${tag}${path}`, target_url: 'http://127.0.0.1:9999', strip_listen_path: true },
    ...extra,
  });

  it('answers /health without a secret, and /ready when the database answers', async () => {
    const health = await fetch(`${registry.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${registry.url}/ready`);
    expect(ready.status).toBe(200);
  });

  it('creates, lists, gets, updates and deletes a definition, announcing each change in order', async () => {
    const created = await call('POST', '/admin/apis', { body: definition('/crud', { custom_middleware: { pre: [] } }) });
    expect(created.status).toBe(201);
    const api = (await created.json()) as ApiDefinition;
    expect(api.api_id).toMatch(/^[0-9a-f]{32}$/);
    // Defaults filled in, unknown Tyk fields kept as sent.
    expect(api).toMatchObject({ name: 'API /crud', active: true, domain: '', use_keyless: true, custom_middleware: { pre: [] } });
    expect(api.proxy).toMatchObject({ listen_path: `/${tag}/crud`, strip_listen_path: true, preserve_host_header: false });

    expect(await stored()).toContainEqual(api);
    const got = await call('GET', `/admin/apis/${api.api_id}`);
    expect(got.status).toBe(200);
    expect(await got.json()).toEqual(api);

    const changed = { ...api, proxy: { ...api.proxy, target_url: 'http://127.0.0.1:9998' } };
    const updated = await call('PUT', `/admin/apis/${api.api_id}`, { body: changed });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toEqual(changed);
    expect(await (await call('GET', `/admin/apis/${api.api_id}`)).json()).toEqual(changed);

    // The id in the URL is used when the body has none.
    const { api_id: _omitted, ...withoutId } = changed;
    const again = await call('PUT', `/admin/apis/${api.api_id}`, { body: { ...withoutId, name: 'renamed' } });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ api_id: api.api_id, name: 'renamed' });

    const deleted = await call('DELETE', `/admin/apis/${api.api_id}`);
    expect(deleted.status).toBe(204);
    expect((await call('GET', `/admin/apis/${api.api_id}`)).status).toBe(404);
    expect((await stored()).map((a) => a.api_id)).not.toContain(api.api_id);

    const createdEvent = await eventFor(api.api_id, 'created');
    const deletedEvent = await eventFor(api.api_id, 'deleted');
    const updatedEvents = events.filter((e) => e.api_id === api.api_id && e.change === 'updated');
    expect(createdEvent.definition).toEqual(api);
    expect(updatedEvents.map((e) => e.definition)).toEqual([changed, { ...changed, name: 'renamed' }]);
    expect(deletedEvent.definition).toBeNull();
    const revisions = [createdEvent, ...updatedEvents, deletedEvent].map((e) => e.revision);
    // One revision per write, nothing else wrote in between.
    expect(revisions).toEqual([0, 1, 2, 3].map((i) => revisions[0]! + i));
    expect(await revision()).toBe(deletedEvent.revision);
  });

  it('refuses requests without the admin secret, or with a wrong one', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-secret-of-some-length' },
      { authorization: `Basic ${secret}` },
      { authorization: secret },
    ];
    for (const headers of refused) {
      const list = await fetch(`${registry.url}/admin/apis`, { headers });
      expect(list.status).toBe(401);
      expect(await list.json()).toMatchObject({ error: 'unauthorized' });
      await failsWithoutChange(
        () => call('POST', '/admin/apis', { body: definition('/unauth'), headers: { ...headers, 'content-type': 'application/json' } }),
        401,
        'unauthorized',
      );
    }
    expect((await fetch(`${registry.url}/admin/apis`, { headers: auth })).status).toBe(200);
  });

  it('answers 401 before reading the body of a caller without the secret', async () => {
    const noSecret = { 'content-type': 'application/json' };
    await failsWithoutChange(() => call('POST', '/admin/apis', { raw: '{"name": ', headers: noSecret }), 401, 'unauthorized');
    await failsWithoutChange(() => call('POST', '/admin/apis', { raw: 'x'.repeat(2 * 1024 * 1024), headers: noSecret }), 401, 'unauthorized');
    // The OpenAPI document stays public.
    expect((await fetch(`${registry.url}/admin/openapi.json`)).status).toBe(200);
  });

  it('answers malformed JSON with 400 malformed_json', async () => {
    await failsWithoutChange(() => call('POST', '/admin/apis', { raw: '{"name": "x", "proxy": {' }), 400, 'malformed_json');
  });

  it('names every wrong or missing field at once', async () => {
    const details = await failsWithoutChange(
      () => call('POST', '/admin/apis', { body: { name: 42, active: 'yes', use_keyless: 'no', proxy: { listen_path: 7, strip_listen_path: 'true' } } }),
      400,
      'validation_failed',
    );
    expect(details.map((d) => d.field).sort()).toEqual(['active', 'name', 'proxy.listen_path', 'proxy.strip_listen_path', 'proxy.target_url', 'use_keyless']);
    const missingAll = await failsWithoutChange(() => call('POST', '/admin/apis', { body: {} }), 400, 'validation_failed');
    expect(missingAll.map((d) => d.field).sort()).toEqual(['name', 'proxy']);
    const notAnObject = await failsWithoutChange(() => call('POST', '/admin/apis', { body: [1, 2] }), 400, 'validation_failed');
    expect(notAnObject.map((d) => d.field)).toEqual(['(body)']);
  });

  it('refuses an invalid target URL, naming proxy.target_url', async () => {
    for (const target_url of ['not a url', 'ftp://example.com/', 'http://user:pw@example.com', '/relative']) {
      const details = await failsWithoutChange(
        () => call('POST', '/admin/apis', { body: definition('/bad-target', { proxy: { listen_path: `/${tag}/bad-target`, target_url } }) }),
        400,
        'validation_failed',
      );
      expect(details.map((d) => d.field)).toEqual(['proxy.target_url']);
    }
  });

  it('refuses a listen path another API uses (trailing slash or not), naming proxy.listen_path', async () => {
    const first = await call('POST', '/admin/apis', { body: definition('/taken') });
    expect(first.status).toBe(201);
    const owner = (await first.json()) as ApiDefinition;

    for (const path of [`/${tag}/taken`, `/${tag}/taken/`]) {
      const details = await failsWithoutChange(
        () => call('POST', '/admin/apis', { body: definition('/other', { proxy: { listen_path: path, target_url: 'http://127.0.0.1:1' } }) }),
        409,
        'conflict',
      );
      expect(details).toHaveLength(1);
      expect(details[0]!.field).toBe('proxy.listen_path');
      expect(details[0]!.message).toContain(owner.api_id);
    }

    // The same path on a named domain is a different route.
    const onDomain = await call('POST', '/admin/apis', { body: definition('/taken', { domain: `${tag}.example.com` }) });
    expect(onDomain.status).toBe(201);

    // Moving another API onto the path is refused too.
    const second = (await (await call('POST', '/admin/apis', { body: definition('/second') })).json()) as ApiDefinition;
    const moved = await failsWithoutChange(
      () => call('PUT', `/admin/apis/${second.api_id}`, { body: { ...second, proxy: { ...second.proxy, listen_path: `/${tag}/taken/` } } }),
      409,
      'conflict',
    );
    expect(moved.map((d) => d.field)).toEqual(['proxy.listen_path']);

    // An API keeps its own path on update.
    expect((await call('PUT', `/admin/apis/${owner.api_id}`, { body: { ...owner, name: 'still here' } })).status).toBe(200);
  });

  it('refuses a second API with an existing api_id, naming api_id', async () => {
    const api_id = `fixed-${tag}`;
    expect((await call('POST', '/admin/apis', { body: definition('/fixed', { api_id }) })).status).toBe(201);
    const details = await failsWithoutChange(() => call('POST', '/admin/apis', { body: definition('/fixed-2', { api_id }) }), 409, 'conflict');
    expect(details.map((d) => d.field)).toEqual(['api_id']);
  });

  it('keeps exactly one of many concurrent creates on one listen path', async () => {
    const revisionBefore = await revision();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('POST', '/admin/apis', { body: definition('/race', { name: `racer ${i}` }) })),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    expect((await stored()).filter((a) => a.proxy.listen_path === `/${tag}/race`)).toHaveLength(1);
    expect(await revision()).toBe(revisionBefore + 1);
  });

  it('refuses a body id that differs from the URL id, naming api_id', async () => {
    const api = (await (await call('POST', '/admin/apis', { body: definition('/mismatch') })).json()) as ApiDefinition;
    const details = await failsWithoutChange(
      () => call('PUT', `/admin/apis/${api.api_id}`, { body: { ...api, api_id: 'someone-else' } }),
      400,
      'validation_failed',
    );
    expect(details.map((d) => d.field)).toEqual(['api_id']);
  });

  it('answers unknown ids with 404 not_found', async () => {
    expect(await (await call('GET', '/admin/apis/no-such-api')).json()).toMatchObject({ error: 'not_found' });
    await failsWithoutChange(() => call('PUT', '/admin/apis/no-such-api', { body: definition('/ghost') }), 404, 'not_found');
    await failsWithoutChange(() => call('DELETE', '/admin/apis/no-such-api'), 404, 'not_found');
  });

  it('refuses oversized bodies with 413 and non-JSON bodies with 415', async () => {
    const big = definition('/big', { padding: 'x'.repeat(maxBodyBytes) });
    await failsWithoutChange(() => call('POST', '/admin/apis', { body: big }), 413, 'payload_too_large');
    await failsWithoutChange(
      () => call('POST', '/admin/apis', { raw: 'name=x', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' } }),
      415,
      'unsupported_media_type',
    );
    await failsWithoutChange(
      () => call('POST', '/admin/apis', { raw: JSON.stringify(definition('/text')), headers: { ...auth, 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type',
    );
  });

  it('serves a snapshot over NATS that matches the REST list and the revision of the last write', async () => {
    const api = (await (await call('POST', '/admin/apis', { body: definition('/snapshot') })).json()) as ApiDefinition;
    const event = await eventFor(api.api_id, 'created');
    const reply = await busRequest<RegistrySnapshot>(subjects.registrySnapshot, {});
    expect(reply.ok).toBe(true);
    expect(reply.value!.revision).toBe(event.revision);
    expect(reply.value!.apis).toEqual(await stored());
    expect(reply.value!.apis).toContainEqual(api);
  });

  it('gives the Tyk API the same answers over the bus', async () => {
    const created = await busRequest<ApiDefinition>(subjects.registryApisCreate, { definition: definition('/via-bus') });
    expect(created.ok).toBe(true);
    const api = created.value!;
    expect((await stored()).map((a) => a.api_id)).toContain(api.api_id);
    expect((await eventFor(api.api_id, 'created')).definition).toEqual(api);

    const before = await stored();
    const collision = await busRequest<ApiDefinition>(subjects.registryApisCreate, { definition: definition('/via-bus/') });
    expect(collision).toMatchObject({ ok: false, error: { error: 'conflict', details: [{ field: 'proxy.listen_path' }] } });
    const invalid = await busRequest<ApiDefinition>(subjects.registryApisCreate, { definition: { name: 1 } });
    expect(invalid.ok).toBe(false);
    expect(invalid.error!.error).toBe('validation_failed');
    expect(invalid.error!.details!.map((d) => d.field).sort()).toEqual(['name', 'proxy']);
    expect(await stored()).toEqual(before);

    const got = await busRequest<ApiDefinition>(subjects.registryApisGet, { api_id: api.api_id });
    expect(got).toEqual({ ok: true, value: api });
    const updated = await busRequest<ApiDefinition>(subjects.registryApisUpdate, { api_id: api.api_id, definition: { ...api, name: 'via bus, renamed' } });
    expect(updated).toMatchObject({ ok: true, value: { api_id: api.api_id, name: 'via bus, renamed' } });
    const listed = await busRequest<ApiDefinition[]>(subjects.registryApisList, {});
    expect(listed.value).toEqual(await stored());
    expect(await busRequest(subjects.registryApisDelete, { api_id: api.api_id })).toEqual({ ok: true, value: { api_id: api.api_id } });
    expect(await busRequest(subjects.registryApisGet, { api_id: api.api_id })).toMatchObject({ ok: false, error: { error: 'not_found' } });
    expect(await busRequest(subjects.registryApisGet, {})).toMatchObject({ ok: false, error: { error: 'validation_failed', details: [{ field: 'api_id' }] } });
  });

  it('publishes its OpenAPI document and docs UI', async () => {
    const response = await fetch(`${registry.url}/admin/openapi.json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { scheme?: string }> };
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths['/admin/apis']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/admin/apis/{apiId}']!).sort()).toEqual(['delete', 'get', 'put']);
    expect(document.components.schemas).toHaveProperty('ApiDefinition.properties.proxy.properties.listen_path');
    expect(document.components.schemas).toHaveProperty('ErrorBody');
    expect(Object.values(document.components.securitySchemes).map((s) => s.scheme)).toContain('bearer');
    const ui = await fetch(`${registry.url}/admin/docs`);
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
  });
});
