import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjects, type ConfigBatchEvent } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startNatsServer, type PrivateNatsServer } from './support/nats-server.js';
import { runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { gatewayReady } from './support/stack.js';

/** The private nats-server's limit: a sixteenth of NATS's default, and a quarter of the old fixed 256 KB page. */
const MAX_PAYLOAD = 65_536;
/** APIs imported: about 180 KB of definitions, so a snapshot and an import's changes are well over MAX_PAYLOAD. */
const COUNT = 400;
/** Requests with long paths, logged: their analytics weigh well over MAX_PAYLOAD. */
const ANALYTICS_REQUESTS = 80;

/**
 * The bus's messages follow the server's max_payload: registry, auth and gateway on a private
 * nats-server set to `max_payload: 65536`. A snapshot page or a batch event cut at a fixed 256 KB
 * would be refused there (a gateway started after a large import would never become ready); cut to
 * a quarter of the server's limit, everything travels: the import reaches the running gateway as
 * batch events, a new gateway loads the snapshot in pages, and analytics still arrive.
 */
describeWithServices('a NATS server with max_payload 64 KB: snapshot pages and batch events follow it', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  let nats: PrivateNatsServer;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: Upstream;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let listener: NatsConnection;
  let env: Record<string, string>;
  const batches: { bytes: number; event: ConfigBatchEvent }[] = [];
  const snapshotRequests: { snapshot_id?: string; page?: number }[] = [];

  const definition = (id: string) => ({
    api_id: id,
    name: `${id} (imported under a 64 KB max_payload)`,
    slug: id,
    org_id: 'payload-org',
    active: true,
    use_keyless: true,
    proxy: { listen_path: `/${id}/`, target_url: upstream.url, strip_listen_path: true },
    version_data: { not_versioned: true, default_version: '', versions: { Default: { name: 'Default', expires: '', use_extended_paths: true } } },
    tags: ['payload', 'e2e'],
    // Every request logged: with long paths, one analytics window's batch goes over 64 KB.
    enable_detailed_recording: true,
  });

  beforeAll(async () => {
    nats = await startNatsServer([`max_payload: ${MAX_PAYLOAD}`]);
    env = { NATS_URL: nats.url, ANALYTICS_FLUSH_MS: '2000' };
    upstream = await startUpstream();
    listener = await connect({ servers: nats.url, name: 'max-payload-e2e-listener' });
    expect(listener.info?.max_payload).toBe(MAX_PAYLOAD);
    const batchSubscription = listener.subscribe(runSubjectPrefix + subjects.registryConfigBatch);
    void (async () => {
      for await (const message of batchSubscription) batches.push({ bytes: message.data.length, event: (message.json() as { data: ConfigBatchEvent }).data });
    })();
    const snapshotSubscription = listener.subscribe(runSubjectPrefix + subjects.registrySnapshot);
    void (async () => {
      for await (const message of snapshotSubscription) snapshotRequests.push((message.json() as { data: { snapshot_id?: string; page?: number } }).data);
    })();
    await listener.flush();
    database = await createScratchDatabase('portcullis_e2e_max_payload');
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { ...env, AUTH_PUBLIC_URL: auth.url } });
    await gatewayReady(gateway);
  }, 120_000);

  afterAll(async () => {
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await listener?.close();
    await upstream?.close();
    await database?.drop();
    await nats?.stop();
  });

  const services = () => [registry, auth, gateway];

  it('imports APIs well over 64 KB: the running gateway gets them as batch events, each under the limit', async () => {
    const apis = Array.from({ length: COUNT }, (_, i) => definition(`payload-${i}`));
    const body = JSON.stringify({ policies: [{ id: 'payload-gold', name: 'Gold', rate: 10, per: 1 }], apis });
    expect(body.length).toBeGreaterThan(2 * MAX_PAYLOAD);
    const response = await fetch(`${registry.url}/admin/import`, { method: 'POST', headers: admin, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ created: COUNT + 1, refused: 0, errors: [] });

    await waitFor(() => batches.reduce((sum, batch) => sum + batch.event.apis.length, 0) === COUNT, { timeoutMs: 10_000, message: 'every change announced' });
    expect(batches.length).toBeGreaterThan(2);
    for (const batch of batches) expect(batch.bytes).toBeLessThan(MAX_PAYLOAD);
    await waitFor(async () => (await fetch(`${gateway.url}/payload-${COUNT - 1}/hello`)).status === 200, {
      timeoutMs: 10_000,
      message: 'the running gateway to route the last API',
    });
    // Applied as deltas: it never fell back to a snapshot for a batch it missed.
    expect(gateway.logs()).not.toContain('missed a change');
  }, 60_000);

  it('a gateway started after the import loads the snapshot in pages under 64 KB, becomes ready and routes the last API', async () => {
    snapshotRequests.length = 0;
    const late = await startService('gateway', { adminSecret, env: { ...env, AUTH_PUBLIC_URL: auth.url } });
    try {
      await gatewayReady(late);
      expect((await fetch(`${late.url}/payload-${COUNT - 1}/hello`)).status).toBe(200);
      expect((await fetch(`${late.url}/payload-0/hello`)).status).toBe(200);
      // One snapshot, one first-page request and several later pages of the same id: no retry.
      expect(snapshotRequests.filter((request) => !request.page)).toHaveLength(1);
      const later = snapshotRequests.filter((request) => request.page);
      expect(later.length).toBeGreaterThan(2);
      expect(new Set(later.map((request) => request.snapshot_id)).size).toBe(1);
      expect(late.logs()).not.toContain('snapshot request failed');
      expect(late.logs()).not.toContain('max_payload');
    } finally {
      await late.stop();
    }
  }, 60_000);

  it('counts requests whose logs weigh over 64 KB in one window (analytics batches cut to the limit too), and no service met the limit', async () => {
    const apiId = `payload-${COUNT - 1}`;
    // 80 request logs of about 1.7 KB (their paths) at once, in one or two 2 s windows: over 130 KB.
    const answers = await Promise.all(
      Array.from({ length: ANALYTICS_REQUESTS }, async (_, i) => (await fetch(`${gateway.url}/${apiId}/${'long-path-'.repeat(150)}${i}`)).status),
    );
    expect(answers.every((status) => status === 200)).toBe(true);
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    await waitFor(
      async () => {
        const response = await fetch(`${registry.url}/admin/analytics/usage?from=${from}&to=${to}&bucket=day&api_id=${apiId}`, { headers: admin });
        const report = (await response.json()) as { buckets: { total: number }[] };
        // Plus the requests of the first two tests.
        return report.buckets.reduce((sum, bucket) => sum + bucket.total, 0) >= ANALYTICS_REQUESTS;
      },
      { timeoutMs: 20_000, intervalMs: 250, message: `the ${ANALYTICS_REQUESTS} proxied requests in the usage API` },
    );
    for (const service of services()) {
      expect(service.logs(), service.name).not.toContain('max_payload');
      expect(service.logs(), service.name).not.toContain('could not publish');
      expect(service.logs(), service.name).not.toContain('analytics: publishing failed');
    }
    expect(nats.logs()).not.toMatch(/Maximum Payload/i);
  }, 60_000);
});
