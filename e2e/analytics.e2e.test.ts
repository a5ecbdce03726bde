import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { analyticsStreamName } from '@portcullis/analytics';
import { analyticsStream } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTcpLink, type TcpLink } from '../tools/test/tcp-link.js';
import { describeWithServices, testServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

interface UsageReport {
  buckets: { total: number; status: Record<string, number>; latency_ms: { p50: number; p95: number }; bytes_out: number }[];
}

/**
 * The analytics flow across processes: a gateway sums every proxied request into windows
 * and publishes them to JetStream; the registry adds them into its rollups. Windows made while the
 * registry is down, or while the gateway cannot reach NATS, wait and arrive, each once; a gateway
 * stopped by SIGTERM publishes its open window first. The usage API's total is the number of
 * requests sent, exactly, through all of it.
 */
describeWithServices('analytics: gateway → JetStream → registry, surviving a registry restart, a NATS outage and a gateway SIGTERM', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}` };
  const listenPath = `/analytics-${randomBytes(3).toString('hex')}/`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: Upstream;
  let registry: StartedService | undefined;
  let gateway: StartedService;
  let nc: NatsConnection;
  /** The gateway reaches NATS through it, so the test can cut the gateway off. */
  let natsLink: TcpLink;
  let jsm: JetStreamManager;
  let apiId: string;
  /** Requests the gateway proxied for the API: each must become exactly one stored record. */
  let proxied = 0;

  const startRegistry = async () => {
    registry = await startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 });
  };

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_analytics');
    upstream = await startUpstream();
    nc = await connect({ servers: testServices.natsUrl, name: 'analytics-e2e' });
    jsm = await jetstreamManager(nc);
    await startRegistry();
    natsLink = await startTcpLink(testServices.natsUrl);
    gateway = await startService('gateway', { adminSecret, env: { ANALYTICS_FLUSH_MS: '100', NATS_URL: natsLink.url } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: 'gateway ready' });
    const created = await fetch(`${registry!.url}/admin/apis`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'analytics e2e', use_keyless: true, proxy: { listen_path: listenPath, target_url: upstream.url, strip_listen_path: true } }),
    });
    expect(created.status).toBe(201);
    apiId = ((await created.json()) as { api_id: string }).api_id;
    await waitFor(async () => (await call()) === 200, { timeoutMs: 5_000, message: 'the API served by the gateway' });
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, registry].filter(Boolean).map((service) => service!.stop()));
    await upstream?.close();
    await natsLink?.close();
    await jsm?.streams.delete(analyticsStreamName(runSubjectPrefix)).catch(() => undefined);
    await nc?.drain();
    await database?.drop();
  });

  async function call(): Promise<number> {
    const response = await fetch(`${gateway.url}${listenPath}items`);
    await response.arrayBuffer();
    if (response.status === 200) proxied++;
    return response.status;
  }

  async function usage(): Promise<UsageReport> {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await fetch(`${registry!.url}/admin/analytics/usage?from=${from}&to=${to}&bucket=day&api_id=${apiId}`, { headers: admin });
    expect(response.status).toBe(200);
    return (await response.json()) as UsageReport;
  }

  const totalStored = async () => (await usage()).buckets.reduce((sum, bucket) => sum + bucket.total, 0);

  async function consumerIdle() {
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(analyticsStreamName(runSubjectPrefix), analyticsStream.durableConsumer);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: 10_000, message: 'the registry consumer to have acked everything' },
    );
  }

  it('stores a record of every proxied request', async () => {
    for (let i = 0; i < 20; i++) expect(await call()).toBe(200);
    await waitFor(async () => (await totalStored()) === proxied, { timeoutMs: 10_000, message: `${proxied} records stored` });
    const [bucket] = (await usage()).buckets;
    expect(bucket!.status['2xx']).toBe(proxied);
    expect(bucket!.latency_ms.p95).toBeGreaterThan(0);
    expect(bucket!.bytes_out).toBeGreaterThan(0);
  });

  it('counts per tracked endpoint (track_endpoints): each entry its own requests, others under none, never a raw path', async () => {
    const trackedPath = `/tracked-${randomBytes(3).toString('hex')}/`;
    const created = await fetch(`${registry!.url}/admin/apis`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'tracked endpoints e2e',
        use_keyless: true,
        proxy: { listen_path: trackedPath, target_url: upstream.url, strip_listen_path: true },
        version_data: {
          not_versioned: true,
          versions: {
            Default: {
              name: 'Default',
              extended_paths: {
                track_endpoints: [
                  { path: '/users/{id}', method: 'GET' },
                  { path: '/orders', method: 'POST' },
                ],
              },
            },
          },
        },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const trackedId = ((await created.json()) as { api_id: string }).api_id;
    const send = async (method: string, path: string) => {
      const response = await fetch(`${gateway.url}${trackedPath.slice(0, -1)}${path}`, { method });
      await response.arrayBuffer();
      return response.status;
    };
    await waitFor(async () => (await send('GET', '/ready-probe')) === 200, { timeoutMs: 5_000, message: 'the tracked API served' });
    const sent = { 'GET /users/{id}': 0, 'POST /orders': 0, none: 1 };
    for (let i = 0; i < 12; i++) {
      expect(await send('GET', `/users/${i}`)).toBe(200);
      sent['GET /users/{id}']++;
    }
    for (let i = 0; i < 5; i++) {
      expect(await send('POST', '/orders')).toBe(200);
      sent['POST /orders']++;
    }
    for (const path of ['/health', '/users', '/other/7']) {
      expect(await send('GET', path)).toBe(200);
      sent.none++;
    }
    const byEndpoint = async () => {
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const to = new Date(Date.now() + 60_000).toISOString();
      const response = await fetch(`${registry!.url}/admin/analytics/usage?from=${from}&to=${to}&bucket=day&api_id=${trackedId}&group_by=endpoint`, {
        headers: admin,
      });
      expect(response.status).toBe(200);
      const report = (await response.json()) as { buckets: { group: string | null; total: number }[] };
      const counts: Record<string, number> = {};
      for (const bucket of report.buckets) counts[bucket.group ?? 'none'] = (counts[bucket.group ?? 'none'] ?? 0) + bucket.total;
      return counts;
    };
    const sorted = (counts: Record<string, number>) => JSON.stringify(Object.entries(counts).sort());
    await waitFor(async () => sorted(await byEndpoint()) === sorted(sent), {
      timeoutMs: 10_000,
      message: `per-endpoint counts ${JSON.stringify(sent)}`,
    });
    // Filtered to one endpoint: the same count.
    const one = await fetch(
      `${registry!.url}/admin/analytics/usage?from=${new Date(Date.now() - 3_600_000).toISOString()}&bucket=day&endpoint=${encodeURIComponent('POST /orders')}`,
      { headers: admin },
    );
    expect(((await one.json()) as UsageReport).buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(5);
  });

  it('keeps the records made while the registry is down, and stores each once when it is back', async () => {
    const before = proxied;
    await registry!.stop();
    registry = undefined;
    // The gateway serves on from its configuration; its analytics go to the stream meanwhile.
    for (let i = 0; i < 15; i++) expect(await call()).toBe(200);
    expect(proxied).toBe(before + 15);
    await waitFor(async () => (await jsm.consumers.info(analyticsStreamName(runSubjectPrefix), analyticsStream.durableConsumer)).num_pending > 0, {
      timeoutMs: 5_000,
      message: 'batches waiting in the stream',
    });
    await startRegistry();
    await waitFor(async () => (await totalStored()) === proxied, { timeoutMs: 15_000, message: `${proxied} records after the restart` });
    await consumerIdle();
    expect(await totalStored()).toBe(proxied);
  });

  it('keeps the windows made while the gateway cannot reach NATS, and stores each once when it can again', async () => {
    await waitFor(async () => (await totalStored()) === proxied, { timeoutMs: 10_000, message: 'everything before stored' });
    await natsLink.cut();
    // The gateway serves on from its configuration; its windows close and wait for NATS.
    for (let i = 0; i < 25; i++) expect(await call()).toBe(200);
    // Several windows (100 ms) close and fail to publish meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await totalStored()).toBe(proxied - 25);
    await natsLink.restore();
    await waitFor(async () => (await totalStored()) === proxied, { timeoutMs: 40_000, message: `${proxied} requests after the NATS outage` });
    await consumerIdle();
    expect(await totalStored()).toBe(proxied);
  }, 90_000);

  it('publishes the open window when the gateway is stopped (SIGTERM), so none of its requests is lost', async () => {
    // A window of a minute: without the flush on SIGTERM, these requests would never be published.
    const patient = await startService('gateway', { adminSecret, env: { ANALYTICS_FLUSH_MS: '60000', NATS_URL: natsLink.url } });
    const before = proxied;
    const callPatient = async () => {
      const response = await fetch(`${patient.url}${listenPath}items`);
      await response.arrayBuffer();
      if (response.status === 200) proxied++;
      return response.status;
    };
    await waitFor(async () => (await callPatient()) === 200, { timeoutMs: 10_000, message: 'the API served by the second gateway' });
    for (let i = 0; i < 30; i++) expect(await callPatient()).toBe(200);
    await patient.stop();
    expect(proxied - before).toBeGreaterThanOrEqual(31);
    await waitFor(async () => (await totalStored()) === proxied, { timeoutMs: 15_000, message: `${proxied} requests after the SIGTERM` });
    await consumerIdle();
    expect(await totalStored()).toBe(proxied);
  }, 60_000);
});
