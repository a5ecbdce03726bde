import { connect } from '@nats-io/transport-node';
import { createBusTransport } from '@portcullis/bus';
import { subjects, type ApiChangedEvent, type ConfigBatchEvent, type PolicyChangedEvent, type RegistrySnapshot, type Reply } from '@portcullis/contracts';
import type { ApiDefinition, Policy } from '@portcullis/domain';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, timeout } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tykAppFiles, tykAppsDir, tykPoliciesDir } from '../../../tools/test/tyk-samples.js';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

const secret = 'policies-int-test-secret-' + randomBytes(8).toString('hex');
const tag = randomBytes(4).toString('hex');
const schemas: string[] = [];
const tempDirs: string[] = [];

type ChangeEvent = (PolicyChangedEvent | ApiChangedEvent) & { subject: string };

/** One registry on its own schema and subject prefix, with a raw NATS listener for its change events. */
async function startRegistry(env: Record<string, string> = {}, reuse?: { schema: string; prefix: string }) {
  const schema = reuse?.schema ?? `registry_pol_${randomBytes(6).toString('hex')}`;
  const prefix = reuse?.prefix ?? `${testServices.subjectPrefix}r${randomBytes(4).toString('hex')}.`;
  if (!reuse) schemas.push(schema);
  const nats = await connect({ servers: testServices.natsUrl, name: `policies-int-listener-${tag}` });
  const events: ChangeEvent[] = [];
  for (const subject of [subjects.registryPolicyChanged, subjects.registryApiChanged]) {
    const subscription = nats.subscribe(prefix + subject);
    void (async () => {
      for await (const message of subscription) events.push({ ...(message.json() as { data: PolicyChangedEvent | ApiChangedEvent }).data, subject });
    })();
  }
  // An import's batch events, one entry per change (with the batch's revision), as single writes' events read.
  const batches: ConfigBatchEvent[] = [];
  const batchSubscription = nats.subscribe(prefix + subjects.registryConfigBatch);
  void (async () => {
    for await (const message of batchSubscription) {
      const batch = (message.json() as { data: ConfigBatchEvent }).data;
      batches.push(batch);
      for (const change of batch.policies) events.push({ revision: batch.revision, ...change, subject: subjects.registryConfigBatch });
      for (const change of batch.apis) events.push({ revision: batch.revision, ...change, subject: subjects.registryConfigBatch });
    }
  })();
  await nats.flush();
  const transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: prefix, name: `policies-int-${tag}` });
  const caller = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: prefix, name: `policies-int-caller-${tag}` });
  const config = loadRegistryConfig({
    NATS_URL: testServices.natsUrl,
    NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
    REGISTRY_PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_SECRET: secret,
    LOG_LEVEL: 'silent',
    ...env,
  });
  let registry: RunningService;
  try {
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  } catch (error) {
    await nats.drain();
    throw error;
  }
  await caller.client.connect();
  return {
    registry,
    events,
    batches,
    schema,
    prefix,
    async busRequest<T>(subject: string, payload: unknown): Promise<Reply<T>> {
      return (await firstValueFrom(caller.client.send<Reply<T>>(subject, payload).pipe(timeout(5_000)))) as Reply<T>;
    },
    async close() {
      await registry.close();
      await caller.client.close();
      await nats.drain();
    },
  };
}

type Running = Awaited<ReturnType<typeof startRegistry>>;

async function waitFor<T>(find: () => T | undefined, what: string, deadlineMs = 5_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const auth = { authorization: `Bearer ${secret}` };
const json = { ...auth, 'content-type': 'application/json' };

function caller(service: RunningService) {
  return (method: string, path: string, body?: unknown) =>
    fetch(`${service.url}${path}`, { method, headers: body === undefined ? auth : json, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function snapshotOf(running: Running): Promise<RegistrySnapshot> {
  const reply = await running.busRequest<RegistrySnapshot>(subjects.registrySnapshot, {});
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.value;
}

/** The shape of a Tyk 2.x file-based policies.json (the seed's tutorial): keyed by id, no name, rights without api_id. */
const tykPolicies = {
  openApi: {
    rate: 1000,
    per: 1,
    quota_max: 100,
    quota_renewal_rate: 60,
    access_rights: { openApi: { api_name: 'Open API', versions: ['Default'] } },
    org_id: '1',
    hmac_enabled: false,
    active: true,
  },
  [`gold-${tag}`]: { name: 'Gold', rate: 100, per: 60, quota_max: -1, quota_renewal_rate: -1, access_rights: {}, tags: ['gold'] },
};

const tykApi = (id: string) => ({
  api_id: id,
  name: `Imported ${id}`,
  org_id: '1',
  use_oauth2: true,
  oauth_meta: { allowed_access_types: ['client_credentials'], allowed_authorize_types: ['code'], auth_login_redirect: 'https://login.example.com/' },
  version_data: { not_versioned: true, versions: { Default: { name: 'Default' } } },
  proxy: { listen_path: `/${id}/`, target_url: 'http://127.0.0.1:9000', strip_listen_path: true },
  active: true,
});

afterAll(async () => {
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
  await dropScratchSchemas(...schemas);
});

describeWithServices('registry policies (PostgreSQL + NATS)', () => {
  let running: Running;
  let call: ReturnType<typeof caller>;

  beforeAll(async () => {
    running = await startRegistry();
    call = caller(running.registry);
  });

  afterAll(async () => {
    await running?.close();
  });

  const policyEvent = (id: string, change: PolicyChangedEvent['change']) =>
    waitFor(
      () => running.events.find((e): e is ChangeEvent & PolicyChangedEvent => 'policy_id' in e && e.policy_id === id && e.change === change),
      `${change} of policy ${id}`,
    );

  it('creates, lists, gets, replaces and deletes a policy, announcing each change', async () => {
    const created = await call('POST', '/admin/policies', {
      name: 'Silver',
      rate: 10,
      per: 1,
      access_rights: { orders: { api_id: 'orders', allowed_urls: [{ url: '/items', methods: ['GET'] }] } },
      partitions: { acl: true },
    });
    expect(created.status).toBe(201);
    const policy = (await created.json()) as Policy;
    expect(policy.id).toMatch(/^[0-9a-f]{32}$/);
    // Tyk's defaults filled in, unknown Tyk fields kept.
    expect(policy).toMatchObject({ name: 'Silver', quota_max: -1, is_inactive: false, tags: [], partitions: { acl: true } });
    expect((await policyEvent(policy.id, 'created')).policy).toEqual(policy);

    expect(await (await call('GET', '/admin/policies')).json()).toContainEqual(policy);
    expect(await (await call('GET', `/admin/policies/${policy.id}`)).json()).toEqual(policy);

    const { id: _inUrl, ...withoutId } = policy;
    const replaced = await call('PUT', `/admin/policies/${policy.id}`, { ...withoutId, rate: 20 });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toEqual({ ...policy, rate: 20 });
    expect((await policyEvent(policy.id, 'updated')).policy).toMatchObject({ id: policy.id, rate: 20 });

    const deleted = await call('DELETE', `/admin/policies/${policy.id}`);
    expect(deleted.status).toBe(204);
    expect(await policyEvent(policy.id, 'deleted')).toMatchObject({ policy: null });
    expect((await call('GET', `/admin/policies/${policy.id}`)).status).toBe(404);
  });

  it('takes the id given (or a legacy _id), and answers 409 for a taken one and 404 for an unknown one', async () => {
    const id = `chosen-${tag}`;
    expect((await call('POST', '/admin/policies', { id, name: 'Chosen' })).status).toBe(201);
    const legacy = await call('POST', '/admin/policies', { _id: `legacy-${tag}`, name: 'Legacy' });
    expect(await legacy.json()).toMatchObject({ id: `legacy-${tag}` });

    const revisionBefore = (await snapshotOf(running)).revision;
    const taken = await call('POST', '/admin/policies', { id, name: 'Again' });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'conflict', details: [{ field: 'id' }] });
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const missing = await call(method, `/admin/policies/nope-${tag}`, body);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: 'not_found' });
    }
    expect((await snapshotOf(running)).revision).toBe(revisionBefore);
  });

  it('reports every invalid field at once with 400 and writes nothing', async () => {
    const revisionBefore = (await snapshotOf(running)).revision;
    const response = await call('POST', '/admin/policies', { name: 7, rate: 'fast', quota_max: -7, access_rights: { a: { api_id: 'b' } }, is_inactive: 'no' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; details: { field: string }[] };
    expect(body.error).toBe('validation_failed');
    expect(body.details.map((d) => d.field)).toEqual(expect.arrayContaining(['name', 'rate', 'quota_max', 'is_inactive']));
    const mismatch = await call('PUT', `/admin/policies/chosen-${tag}`, { id: 'other', name: 'x' });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ details: [{ field: 'id' }] });
    expect((await call('POST', '/admin/policies')).status).toBe(415);
    expect((await snapshotOf(running)).revision).toBe(revisionBefore);
  });

  it('shares one revision counter with API writes, and the snapshot carries the policies', async () => {
    const api = (await (
      await call('POST', '/admin/apis', { name: 'rev', proxy: { listen_path: `/rev-${tag}/`, target_url: 'http://127.0.0.1:9000' } })
    ).json()) as ApiDefinition;
    const apiEvent = await waitFor(() => running.events.find((e) => 'api_id' in e && e.api_id === api.api_id), 'api event');
    const policy = (await (await call('POST', '/admin/policies', { name: 'After the API' })).json()) as Policy;
    const event = await policyEvent(policy.id, 'created');
    expect(event.revision).toBe(apiEvent.revision + 1);

    const snapshot = await snapshotOf(running);
    expect(snapshot.revision).toBe(event.revision);
    expect(snapshot.policies).toEqual(await (await call('GET', '/admin/policies')).json());
    expect(snapshot.policies).toContainEqual(policy);
    expect(snapshot.apis).toContainEqual(api);
  });

  it('serves the same administration over the bus, errors included', async () => {
    const created = await running.busRequest<Policy>(subjects.registryPoliciesCreate, { policy: { id: `bus-${tag}`, name: 'Bus' } });
    expect(created).toMatchObject({ ok: true, value: { id: `bus-${tag}` } });
    expect(await running.busRequest(subjects.registryPoliciesGet, { policy_id: `bus-${tag}` })).toMatchObject({ ok: true, value: { name: 'Bus' } });
    expect(await running.busRequest(subjects.registryPoliciesUpdate, { policy_id: `bus-${tag}`, policy: { name: 'Bus 2' } })).toMatchObject({
      ok: true,
      value: { id: `bus-${tag}`, name: 'Bus 2' },
    });
    expect(await running.busRequest(subjects.registryPoliciesCreate, { policy: { id: `bus-${tag}`, name: 'Bus' } })).toMatchObject({
      ok: false,
      error: { error: 'conflict' },
    });
    expect(await running.busRequest(subjects.registryPoliciesCreate, { policy: { name: 5 } })).toMatchObject({
      ok: false,
      error: { error: 'validation_failed', details: [{ field: 'name' }] },
    });
    expect(await running.busRequest(subjects.registryPoliciesGet, {})).toMatchObject({
      ok: false,
      error: { error: 'validation_failed', details: [{ field: 'policy_id' }] },
    });
    expect(await running.busRequest(subjects.registryPoliciesDelete, { policy_id: `bus-${tag}` })).toEqual({ ok: true, value: { policy_id: `bus-${tag}` } });
    const list = await running.busRequest<Policy[]>(subjects.registryPoliciesList, {});
    expect(list.ok && list.value.some((p) => p.id === `bus-${tag}`)).toBe(false);
  });

  it('imports through POST /admin/import: created, then unchanged on a repeat (no revision, no event), then updated', async () => {
    const apiId = `imp-${tag}`;
    const body = { policies: tykPolicies, apis: [tykApi(apiId)] };
    const first = await call('POST', '/admin/import', body);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ dry_run: false, created: 3, updated: 0, unchanged: 0, refused: 0, errors: [] });
    expect(await (await call('GET', '/admin/policies/openApi')).json()).toMatchObject({
      id: 'openApi',
      name: 'openApi',
      rate: 1000,
      access_rights: { openApi: { api_id: 'openApi' } },
    });
    expect(await (await call('GET', `/admin/apis/${apiId}`)).json()).toMatchObject({ api_id: apiId, use_oauth2: true });
    await policyEvent('openApi', 'created');
    await waitFor(() => running.events.find((e) => 'api_id' in e && e.api_id === apiId), 'imported api event');

    const revision = (await snapshotOf(running)).revision;
    const eventCount = running.events.length;
    const again = await call('POST', '/admin/import', body);
    expect(await again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3, refused: 0, errors: [] });
    expect((await snapshotOf(running)).revision).toBe(revision);

    const changed = await call('POST', '/admin/import', { policies: { ...tykPolicies, openApi: { ...tykPolicies.openApi, rate: 5 } } });
    expect(await changed.json()).toMatchObject({ created: 0, updated: 1, unchanged: 1, refused: 0, errors: [] });
    const updated = await policyEvent('openApi', 'updated');
    expect(updated.revision).toBe(revision + 1);
    // Only the changed item was announced.
    expect(running.events.slice(eventCount)).toHaveLength(1);
  });

  it('imports nothing when any item is invalid or conflicts, and reports every error by source', async () => {
    const revision = (await snapshotOf(running)).revision;
    const invalid = await call('POST', '/admin/import', {
      policies: [
        { id: `ok-${tag}`, name: 'fine' },
        { id: `bad-${tag}`, name: 'bad', rate: -5 },
      ],
      apis: [{ api_id: `bad-api-${tag}`, name: 'x', proxy: { target_url: 'http://u' } }],
    });
    expect(invalid.status).toBe(400);
    const report = (await invalid.json()) as { error: string; created: number; errors: { source: string; field: string }[] };
    expect(report).toMatchObject({ error: 'validation_failed', created: 0, updated: 0, unchanged: 0 });
    expect(report.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ source: 'policies[1]', field: 'rate' }),
        expect.objectContaining({ source: 'apis[0]', field: 'proxy.listen_path' }),
      ]),
    );
    expect((await call('GET', `/admin/policies/ok-${tag}`)).status).toBe(404);

    // Valid alone, but its listen path is taken: the policy before it is rolled back too.
    const conflict = await call('POST', '/admin/import', {
      policies: [{ id: `ok-${tag}`, name: 'fine' }],
      apis: [{ ...tykApi(`clash-${tag}`), proxy: { listen_path: `/imp-${tag}/`, target_url: 'http://u' } }],
    });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ errors: [{ source: 'apis[0]', field: 'proxy.listen_path' }] });
    expect((await call('GET', `/admin/policies/ok-${tag}`)).status).toBe(404);
    expect((await snapshotOf(running)).revision).toBe(revision);
  });

  it('answers a dry run per item (created, updated, unchanged, refused with reasons, compatibility) and writes nothing', async () => {
    const apiId = `dry-${tag}`;
    await call('POST', '/admin/import', { apis: [tykApi(apiId)] });
    const revision = (await snapshotOf(running)).revision;
    const eventCount = running.events.length;
    const dry = await call('POST', '/admin/import?dry_run=true', {
      policies: {
        [`new-${tag}`]: { rate: 1, per: 1 },
        [`limited-${tag}`]: { access_rights: { x: { endpoints: [{ path: '/a', methods: [{ name: 'GET', limit: { rate: 5, per: 1 } }] }] } } },
      },
      apis: [
        tykApi(apiId),
        { ...tykApi(`dry2-${tag}`), name: 'changed' },
        { ...tykApi(`batch-${tag}`), enable_batch_request_support: true },
        { ...tykApi(apiId), api_id: `taken-${tag}` },
      ],
    });
    expect(dry.status).toBe(200);
    const report = (await dry.json()) as {
      dry_run: boolean;
      items: {
        source: string;
        outcome: string;
        reasons?: { field: string; message: string }[];
        compatibility?: { refused: unknown[]; ignored: { field: string }[] };
      }[];
    };
    expect(report).toMatchObject({ dry_run: true, created: 2, updated: 0, unchanged: 1, refused: 3 });
    const item = (source: string) => report.items.find((entry) => entry.source === source)!;
    expect(item(`policies["new-${tag}"]`).outcome).toBe('created');
    expect(item(`policies["limited-${tag}"]`)).toMatchObject({
      outcome: 'refused',
      reasons: [{ field: 'access_rights.x.endpoints', message: expect.stringMatching(/^not supported/) }],
    });
    expect(item('apis[0]')).toMatchObject({ outcome: 'unchanged', compatibility: { refused: [] } });
    expect(item('apis[0]').compatibility!.ignored.map((entry) => entry.field)).toContain('version_data.versions.Default.name');
    expect(item('apis[1]').outcome).toBe('created');
    expect(item('apis[2]')).toMatchObject({
      outcome: 'refused',
      reasons: [{ field: 'enable_batch_request_support', message: expect.stringMatching(/^not supported/) }],
      compatibility: { refused: [{ field: 'enable_batch_request_support' }] },
    });
    expect(item('apis[3]')).toMatchObject({ outcome: 'refused', reasons: [{ field: 'proxy.listen_path', message: expect.stringContaining(apiId) }] });
    expect((await snapshotOf(running)).revision).toBe(revision);
    expect(running.events.length).toBe(eventCount);
    expect((await call('POST', '/admin/import?dry_run=maybe', {})).status).toBe(400);
  });

  it("serves an API's compatibility report, and 404 for an unknown API", async () => {
    const apiId = `compat-${tag}`;
    expect((await call('POST', '/admin/apis', { ...tykApi(apiId), cache_options: { enable_cache: true }, CORS: { enable: false } })).status).toBe(201);
    const compat = await call('GET', `/admin/apis/${apiId}/compatibility`);
    expect(compat.status).toBe(200);
    const report = (await compat.json()) as { enforced: string[]; ignored: { field: string }[]; refused: unknown[] };
    expect(report.refused).toEqual([]);
    expect(report.enforced).toEqual(expect.arrayContaining(['api_id', 'use_oauth2', 'proxy.listen_path', 'CORS', 'cache_options']));
    // A version's name is kept as sent (the map key names the version).
    expect(report.ignored.map((entry) => entry.field)).toEqual(expect.arrayContaining(['version_data.versions.Default.name']));
    expect((await call('GET', `/admin/apis/nope-${tag}/compatibility`)).status).toBe(404);
    const document = (await (await fetch(`${running.registry.url}/admin/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/admin/apis/{apiId}/compatibility', '/admin/import/last']));
  });

  it('lets a policy be deleted while keys may still name it (as Tyk does)', async () => {
    await call('POST', '/admin/policies', { id: `in-use-${tag}`, name: 'In use' });
    expect((await call('DELETE', `/admin/policies/in-use-${tag}`)).status).toBe(204);
  });

  it('documents the policy and import endpoints in OpenAPI, with the schema from the validator', async () => {
    const document = (await (await fetch(`${running.registry.url}/admin/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/admin/policies', '/admin/policies/{id}', '/admin/import']));
    expect(Object.keys(document.components.schemas.PolicyInput!.properties!)).toEqual(
      expect.arrayContaining(['rate', 'per', 'quota_max', 'access_rights', 'is_inactive', 'key_expires_in']),
    );
  });
});

describeWithServices('registry import from files at start (PostgreSQL + NATS)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-policies-int-'));
    tempDirs.push(dir);
    await writeFile(join(dir, 'policies.json'), JSON.stringify(tykPolicies, null, 2));
    await mkdir(join(dir, 'apps'));
    await writeFile(join(dir, 'apps', 'open-api.json'), JSON.stringify(tykApi(`file-${tag}`), null, 2));
  });

  it('imports policies.json and the apps folder, and a restart on the same files changes and announces nothing', async () => {
    const env = { IMPORT_POLICIES_FILE: join(dir, 'policies.json'), IMPORT_APIS_DIR: join(dir, 'apps') };
    const first = await startRegistry(env);
    let reuse: { schema: string; prefix: string };
    try {
      const snapshot = await snapshotOf(first);
      expect(snapshot.policies.map((p) => p.id).sort()).toEqual([`gold-${tag}`, 'openApi'].sort());
      expect(snapshot.apis.map((a) => a.api_id)).toEqual([`file-${tag}`]);
      // Two policies and an API in one batch: one revision.
      expect(snapshot.revision).toBe(1);
      expect(snapshot.policies.find((p) => p.id === 'openApi')).toMatchObject({
        name: 'openApi',
        org_id: '1',
        quota_max: 100,
        quota_renewal_rate: 60,
        access_rights: { openApi: { api_id: 'openApi', versions: ['Default'] } },
      });
      reuse = { schema: first.schema, prefix: first.prefix };
    } finally {
      await first.close();
    }

    const second = await startRegistry(env, reuse);
    try {
      expect((await snapshotOf(second)).revision).toBe(1);
      // A write after the start: its event comes after any the start published, on the same connection.
      await second.busRequest(subjects.registryPoliciesCreate, { policy: { id: `marker-${tag}`, name: 'Marker' } });
      await waitFor(() => second.events.find((e) => 'policy_id' in e && e.policy_id === `marker-${tag}`), 'marker event');
      expect(second.events.map((e) => e.revision)).toEqual([2]);
    } finally {
      await second.close();
    }
  });

  it('starts on a setup with a bad item: imports the rest, refuses the item with its file and reason (GET /admin/import/last)', async () => {
    await writeFile(join(dir, 'bad-policies.json'), JSON.stringify({ broken: { name: 'x', rate: 'fast' }, [`fine-${tag}`]: { rate: 1, per: 1 } }));
    const running = await startRegistry({ IMPORT_POLICIES_FILE: join(dir, 'bad-policies.json') });
    try {
      expect((await snapshotOf(running)).policies.map((p) => p.id)).toEqual([`fine-${tag}`]);
      const last = await caller(running.registry)('GET', '/admin/import/last');
      expect(last.status).toBe(200);
      expect(await last.json()).toMatchObject({
        dry_run: false,
        created: 1,
        refused: 1,
        items: expect.arrayContaining([
          {
            kind: 'policy',
            source: 'bad-policies.json["broken"]',
            id: 'broken',
            outcome: 'refused',
            reasons: [{ field: 'rate', message: expect.any(String) }],
          },
        ]),
      });
    } finally {
      await running.close();
    }
  });

  it("imports Tyk's stock layout (apps/ and policies/policies.json, from ../shared/tyk) at start, refusing only what it cannot honour", async () => {
    const stock = await mkdtemp(join(tmpdir(), 'portcullis-tyk-stock-'));
    tempDirs.push(stock);
    await cp(tykAppsDir, join(stock, 'apps'), { recursive: true });
    await mkdir(join(stock, 'policies'));
    await cp(join(tykPoliciesDir, 'policies.json'), join(stock, 'policies', 'policies.json'));
    const running = await startRegistry({ IMPORT_POLICIES_FILE: join(stock, 'policies', 'policies.json'), IMPORT_APIS_DIR: join(stock, 'apps') });
    try {
      const snapshot = await snapshotOf(running);
      expect(snapshot.policies.map((p) => p.id)).toEqual(['default']);
      // jq.json loads: its jq transforms run (issue 13).
      expect(snapshot.apis.map((a) => a.proxy.listen_path).sort()).toEqual(['/jq/', '/quickstart/']);
      const report = (await (await caller(running.registry)('GET', '/admin/import/last')).json()) as {
        created: number;
        refused: number;
        items: { source: string; outcome: string; reasons?: { field: string; message: string }[] }[];
      };
      expect(report).toMatchObject({ created: 3, refused: 6 });
      const refused = report.items.filter((item) => item.outcome === 'refused');
      expect(refused.map((item) => item.source).sort()).toEqual(tykAppFiles().filter((file) => file !== 'quickstart.json' && file !== 'jq.json'));
      for (const item of refused) expect(item.reasons!.every((reason) => reason.message.startsWith('not supported'))).toBe(true);
    } finally {
      await running.close();
    }
  });
});
