import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjects, type ConfigBatchEvent } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

/**
 * The bulk path end to end: POST /admin/import of thousands of API definitions on a registry and a
 * gateway as processes on the machine's NATS and PostgreSQL, a real upstream behind them. What is
 * imported is routed; the changes travel as a few batch events, not one per API; a bad item, an
 * oversized body or malformed JSON changes nothing.
 */
describeWithServices('bulk import (POST /admin/import) through the real services', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  // Above ADMIN_MAX_BODY_BYTES (1 MiB): the import has a limit of its own.
  const importLimit = 1_500_000;
  const count = 3_000;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;
  let nats: NatsConnection;
  const batches: ConfigBatchEvent[] = [];

  // A classic definition as Tyk exports it (about 400 bytes), not a minimal one.
  const definition = (id: string) => ({
    api_id: id,
    name: `${id} (imported in bulk)`,
    slug: id,
    org_id: 'bulk-org',
    active: true,
    use_keyless: true,
    proxy: { listen_path: `/${id}/`, target_url: upstream.url, strip_listen_path: true },
    version_data: { not_versioned: true, default_version: '', versions: { Default: { name: 'Default', expires: '', use_extended_paths: true } } },
    tags: ['bulk', 'e2e'],
  });
  const importBody = (body: string) => fetch(`${registry.url}/admin/import`, { method: 'POST', headers: admin, body });
  const routed = async (id: string) => (await fetch(`${gateway.url}/${id}/hello`)).status;
  const stored = async (id: string) => (await fetch(`${registry.url}/admin/apis/${id}`, { headers: admin })).status;

  beforeAll(async () => {
    upstream = await startUpstream();
    nats = await connect({ servers: testServices.natsUrl, name: 'bulk-import-e2e-listener' });
    const subscription = nats.subscribe(runSubjectPrefix + subjects.registryConfigBatch);
    void (async () => {
      for await (const message of subscription) batches.push((message.json() as { data: ConfigBatchEvent }).data);
    })();
    await nats.flush();
    database = await createScratchDatabase('portcullis_e2e_bulk_import');
    registry = await startService('registry', {
      adminSecret,
      database: database.name,
      readyTimeoutMs: 60_000,
      env: { IMPORT_MAX_BODY_BYTES: String(importLimit) },
    });
    gateway = await startService('gateway', { adminSecret });
    await gatewayReady(gateway);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, registry].filter(Boolean).map((service) => service.stop()));
    await nats?.drain();
    await upstream?.close();
    await database?.drop();
  });

  it(`imports ${count} APIs in one request: all routed, announced in a few batch events, and a repeat changes nothing`, async () => {
    const apis = Array.from({ length: count }, (_, i) => definition(`bulk-${i}`));
    const body = JSON.stringify({ policies: [{ id: 'bulk-gold', name: 'Gold', rate: 10, per: 1 }], apis });
    expect(body.length).toBeGreaterThan(1_048_576);
    const response = await importBody(body);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ created: count + 1, updated: 0, unchanged: 0, refused: 0, errors: [] });

    for (const id of ['bulk-0', `bulk-${count / 2}`, `bulk-${count - 1}`]) {
      await waitFor(async () => (await routed(id)) === 200, { timeoutMs: 15_000, message: `${id} to be routed` });
    }
    expect(upstream.requests.at(-1)).toMatchObject({ method: 'GET', path: '/hello' });
    // Every change in exactly one batch, each under NATS's 1 MB message limit, in consecutive revisions.
    await waitFor(() => batches.reduce((sum, batch) => sum + batch.apis.length, 0) === count, { timeoutMs: 5_000, message: 'every change announced' });
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThan(count / 100);
    expect(batches.flatMap((batch) => batch.policies.map((change) => change.policy_id))).toEqual(['bulk-gold']);
    expect(new Set(batches.flatMap((batch) => batch.apis.map((change) => change.api_id))).size).toBe(count);
    const revisions = batches.map((batch) => batch.revision);
    expect(revisions).toEqual(revisions.map((_, i) => revisions[0]! + i));
    // The gateway applied the batches as deltas: it never had to fall back to a whole snapshot.
    expect(gateway.logs()).not.toContain('missed a change');

    const again = await importBody(body);
    expect(await again.json()).toMatchObject({ created: 0, updated: 0, unchanged: count + 1 });
    const seen = batches.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(batches.length).toBe(seen);
  }, 120_000);

  // Issue 15: the whole snapshot in one reply went over NATS's max_payload, and a gateway started
  // after a large import asked for it again and again, never ready.
  it('a gateway started after the import loads a snapshot above 1 MB in pages, becomes ready and routes the last API', async () => {
    const apis = Array.from({ length: count }, (_, i) => definition(`late-${i}`));
    const imported = await importBody(JSON.stringify({ apis }));
    expect(await imported.json()).toMatchObject({ created: count, refused: 0 });
    const snapshotRequests: { snapshot_id?: string; page?: number }[] = [];
    const listener = nats.subscribe(runSubjectPrefix + subjects.registrySnapshot);
    void (async () => {
      for await (const message of listener) snapshotRequests.push((message.json() as { data: { snapshot_id?: string; page?: number } }).data);
    })();
    await nats.flush();

    const late = await startService('gateway', { adminSecret });
    try {
      await gatewayReady(late);
      expect((await fetch(`${late.url}/late-${count - 1}/hello`)).status).toBe(200);
      expect((await fetch(`${late.url}/late-0/hello`)).status).toBe(200);
      // More than 1 MB stored, so several pages of one snapshot; one first-page request: no retry.
      expect(snapshotRequests.filter((request) => !request.page)).toHaveLength(1);
      const later = snapshotRequests.filter((request) => request.page);
      expect(later.length).toBeGreaterThan(3);
      expect(new Set(later.map((request) => request.snapshot_id)).size).toBe(1);
      expect(late.logs()).not.toContain('snapshot request failed');
    } finally {
      listener.unsubscribe();
      await late.stop();
    }
  }, 120_000);

  it('rejects the whole import when one item is invalid: every error by item index and field, nothing stored or announced', async () => {
    const seen = batches.length;
    const apis = Array.from({ length: 500 }, (_, i) => definition(`rejected-${i}`));
    apis[321] = { ...apis[321]!, proxy: { ...apis[321]!.proxy, target_url: 'not a url' } };
    apis[404] = { ...apis[404]!, active: 'yes' as unknown as boolean };
    const response = await importBody(JSON.stringify({ apis }));
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; created: number; errors: { source: string; field: string; message: string }[] };
    expect(answer).toMatchObject({ error: 'validation_failed', created: 0 });
    expect(answer.errors.map(({ source, field }) => ({ source, field }))).toEqual([
      { source: 'apis[321]', field: 'proxy.target_url' },
      { source: 'apis[404]', field: 'active' },
    ]);
    expect(await stored('rejected-0')).toBe(404);
    expect(await routed('rejected-0')).toBe(404);
    expect(batches.length).toBe(seen);
  });

  it('answers 413 naming the limit for a body over IMPORT_MAX_BODY_BYTES, and 400 for malformed JSON; nothing stored', async () => {
    const apis = Array.from({ length: 12_000 }, (_, i) => definition(`huge-${i}`));
    const body = JSON.stringify({ apis });
    expect(body.length).toBeGreaterThan(importLimit);
    const tooLarge = await importBody(body);
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: 'payload_too_large', message: expect.stringContaining('IMPORT_MAX_BODY_BYTES') });
    expect(await stored('huge-0')).toBe(404);

    const malformed = await importBody('{"apis": [{"api_id": "half"');
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'malformed_json' });
    expect(await stored('half')).toBe(404);
  });
});
