import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ANALYTICS_ACK_WAIT_MS, analyticsStreamName } from '@portcullis/analytics';
import { analyticsStream, eventSchemas, requestSchemas } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { connectionsOn, startNatsCluster, type ClusterNode, type NatsCluster } from './support/nats-cluster.js';
import { runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

/** Requests put through the gateways, and how many are in flight at once. */
const LOAD_REQUESTS = 2_000;
const LOAD_CONCURRENCY = 16;
/** The nats-server dies once this many requests have been answered. */
const KILL_AFTER = 600;
/** The test's own monitoring connection, left out when counting the services' connections. */
const OWN_CONNECTION = 'nats-cluster-e2e';

/**
 * The "NATS at scale": the services against a three-node JetStream cluster (each given all
 * three URLs in NATS_URL, the analytics stream kept on all three with NATS_STREAM_REPLICAS=3), two
 * registries and two gateways sharing the work. One nats-server, the analytics stream's leader,
 * is SIGKILLed under load. Afterwards: every request answered, every proxied request counted once
 * in the usage API, every service connection back (on the two survivors), and a change made after
 * the kill reaches both gateways.
 */
describeWithServices('NATS cluster: three nats-servers, one killed under load, nothing lost and no gateway stale', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  const listenPath = `/cluster-${randomBytes(3).toString('hex')}/`;
  let cluster: NatsCluster;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: Upstream;
  let registries: StartedService[] = [];
  let auth: StartedService | undefined;
  let gateways: StartedService[] = [];
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let apiId: string;
  let killed: ClusterNode;

  const services = () => [...gateways, ...(auth ? [auth] : []), ...registries];

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    database = await createScratchDatabase('portcullis_e2e_nats_cluster');
    upstream = await startUpstream();
    const env = { NATS_URL: cluster.natsUrl, NATS_STREAM_REPLICAS: '3', ANALYTICS_FLUSH_MS: '1000' };
    // One registry first: it runs the migrations the second would race.
    registries = [await startService('registry', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 })];
    const [second, authService] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, env, readyTimeoutMs: 60_000 }),
    ]);
    registries.push(second);
    auth = authService;
    gateways = await Promise.all([startService('gateway', { adminSecret, env }), startService('gateway', { adminSecret, env })]);
    for (const service of services()) {
      await waitFor(async () => (await fetch(`${service.url}/ready`)).status === 200, { timeoutMs: 20_000, message: `${service.name} ${service.url}/ready` });
    }
    nc = await connect({ servers: cluster.nodes.map((node) => node.url), name: OWN_CONNECTION });
    jsm = await jetstreamManager(nc);
    const created = await fetch(`${registries[0]!.url}/admin/apis`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'cluster e2e', use_keyless: true, proxy: { listen_path: listenPath, target_url: upstream.url, strip_listen_path: true } }),
    });
    expect(created.status).toBe(201);
    apiId = ((await created.json()) as { api_id: string }).api_id;
    for (const gateway of gateways) {
      await waitFor(async () => (await fetch(`${gateway.url}${listenPath}warm`)).status === 200, {
        timeoutMs: 5_000,
        message: `${gateway.url} to serve the API`,
      });
    }
  });

  afterAll(async () => {
    await Promise.allSettled(services().map((service) => service.stop()));
    await upstream?.close();
    await nc?.close().catch(() => undefined);
    await cluster?.stop();
    await database?.drop();
  });

  /** Connections the services hold across the live servers, by connection name. */
  async function serviceConnections(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const node of cluster.nodes.filter((each) => each.alive)) {
      for (const connection of await connectionsOn(node)) {
        const name = connection.name ?? '(unnamed)';
        if (name !== OWN_CONNECTION) counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    return counts;
  }

  /**
   * Who subscribes to what, across the live servers: `subject -> ["service/queue group", ...]`,
   * sorted. Request subjects must be in the answering service's queue group (one replica answers);
   * events in none (every gateway hears them).
   */
  async function subscriptions(): Promise<Record<string, string[]>> {
    const bySubject: Record<string, string[]> = {};
    for (const node of cluster.nodes.filter((each) => each.alive)) {
      for (const connection of await connectionsOn(node)) {
        for (const sub of connection.subscriptions_list_detail ?? []) {
          if (!sub.subject.startsWith(runSubjectPrefix)) continue;
          (bySubject[sub.subject.slice(runSubjectPrefix.length)] ??= []).push(`${connection.name}/${sub.qgroup ?? '(none)'}`);
        }
      }
    }
    for (const list of Object.values(bySubject)) list.sort();
    return bySubject;
  }

  function expectQueueGroups(bySubject: Record<string, string[]>) {
    for (const subject of Object.keys(requestSchemas)) {
      const owner = subject.split('.')[0] === 'auth' ? 'auth' : 'registry';
      expect(bySubject[subject], subject).toEqual(owner === 'auth' ? ['auth/auth'] : ['registry/registry', 'registry/registry']);
    }
    for (const subject of Object.keys(eventSchemas)) {
      const gatewaySubs = (bySubject[subject] ?? []).filter((entry) => entry.startsWith('gateway/'));
      if (gatewaySubs.length) expect(gatewaySubs, subject).toEqual(['gateway/(none)', 'gateway/(none)']);
    }
  }

  async function storedTotal(): Promise<number> {
    const from = new Date(Date.now() - 3_600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const response = await fetch(`${registries[1]!.url}/admin/analytics/usage?from=${from}&to=${to}&bucket=day&api_id=${apiId}`, { headers: admin });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { buckets: { total: number }[] };
    return report.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
  }

  it('spreads the stream over three servers, and every service connects', async () => {
    const info = await jsm.streams.info(analyticsStreamName(runSubjectPrefix));
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas ?? []).toHaveLength(2);
    const consumer = await jsm.consumers.info(info.config.name, analyticsStream.durableConsumer);
    expect(consumer.cluster?.replicas ?? []).toHaveLength(2);
    // Bus client and server per service, plus the gateways' analytics publishers and the registries' consumers.
    expect(await serviceConnections()).toEqual({ gateway: 4, 'gateway-analytics': 2, registry: 4, 'registry-analytics': 2, auth: 2 });
    expectQueueGroups(await subscriptions());
  });

  it('answers every request while the analytics stream leader is SIGKILLed, and counts each exactly once', async () => {
    const before = await serviceConnections();
    const leader = (await jsm.streams.info(analyticsStreamName(runSubjectPrefix))).cluster?.leader;
    killed = cluster.nodes.find((node) => node.name === leader)!;
    expect(killed, `stream leader ${leader}`).toBeDefined();
    // Which connections must move depends on the servers each client picked at random from NATS_URL.
    const moving = (await connectionsOn(killed)).filter((connection) => connection.name !== OWN_CONNECTION).map((connection) => connection.name);

    const statuses: Record<string, number> = {};
    const transportErrors: string[] = [];
    let next = 0;
    let answered = 0;
    let killing: Promise<void> | undefined;
    const worker = async () => {
      for (let i = next++; i < LOAD_REQUESTS; i = next++) {
        const gateway = gateways[i % gateways.length]!;
        try {
          const response = await fetch(`${gateway.url}${listenPath}items/${i}`);
          await response.arrayBuffer();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        } catch (error) {
          transportErrors.push(`${gateway.url} #${i}: ${(error as Error).message}`);
        }
        if (++answered === KILL_AFTER) killing = killed.kill();
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
    await killing;
    const loadMs = Date.now() - started;
    expect(killed.alive).toBe(false);
    // No failover allowance: a keyless request never waits on NATS, so none may fail.
    expect(transportErrors).toEqual([]);
    expect(statuses).toEqual({ 200: LOAD_REQUESTS });
    console.log(
      `${LOAD_REQUESTS} requests in ${loadMs} ms; ${killed.name} killed after ${KILL_AFTER}, holding ${moving.length} service connections (${moving.join(', ')})`,
    );

    // The warm-up requests were proxied too: each gateway answered one with 200.
    const proxied = LOAD_REQUESTS + gateways.length;
    const reachedAt = await waitFor(
      async () => {
        const total = await storedTotal();
        expect(total, 'more stored than proxied: a batch counted twice').toBeLessThanOrEqual(proxied);
        return total === proxied && Date.now();
      },
      { timeoutMs: 20_000, intervalMs: 250, message: `${proxied} requests stored` },
    );
    console.log(`usage API total ${proxied} reached ${reachedAt - started - loadMs} ms after the load ended`);
    // Settled: the consumer has nothing left, and the total stays. An ack sent while the consumer's
    // leader moved can be lost: the batch, already stored, is delivered again after ack_wait, and
    // the store must recognise it (so this may wait up to ack_wait).
    const settling = Date.now();
    await waitFor(
      async () => {
        const info = await jsm.consumers.info(analyticsStreamName(runSubjectPrefix), analyticsStream.durableConsumer);
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { timeoutMs: ANALYTICS_ACK_WAIT_MS + 10_000, intervalMs: 250, message: 'the registries to have acked every batch' },
    );
    console.log(`consumer settled ${Date.now() - settling} ms after the total was reached`);
    expect(await storedTotal()).toBe(proxied);

    // Every service connection is back, on the two survivors.
    await waitFor(
      async () => {
        const now = await serviceConnections();
        expect(now).toEqual(before);
        return true;
      },
      { timeoutMs: 15_000, intervalMs: 250, message: 'every service to reconnect to a surviving server' },
    );
    const stream = await jsm.streams.info(analyticsStreamName(runSubjectPrefix));
    expect(stream.cluster?.leader).not.toBe(killed.name);
  }, 120_000);

  it('an API created after the kill reaches both gateways within seconds (no gateway stale)', async () => {
    expect(killed?.alive).toBe(false);
    // Resubscribed on the survivors as before: still one answer per request, every event to each gateway.
    expectQueueGroups(await subscriptions());
    for (const service of services()) {
      await waitFor(async () => (await fetch(`${service.url}/ready`)).status === 200, { timeoutMs: 10_000, message: `${service.name} ${service.url}/ready` });
    }
    // Through the Tyk API on a gateway: a request over the cluster to a registry (queue group),
    // then the registry's event to every gateway.
    const lateApi = `late-${randomBytes(3).toString('hex')}`;
    const created = await fetch(`${gateways[0]!.url}/tyk/apis`, {
      method: 'POST',
      headers: tyk,
      body: JSON.stringify({
        api_id: lateApi,
        name: 'After the kill',
        org_id: 'default',
        active: true,
        use_keyless: true,
        version_data: { not_versioned: true, versions: { Default: { name: 'Default' } } },
        proxy: { listen_path: `/${lateApi}/`, target_url: upstream.url, strip_listen_path: true },
      }),
    });
    expect(created.status).toBe(200);
    const since = Date.now();
    for (const gateway of gateways) {
      await waitFor(async () => (await fetch(`${gateway.url}/${lateApi}/x`)).status === 200, {
        timeoutMs: 3_000,
        intervalMs: 20,
        message: `${gateway.url} to route /${lateApi}/`,
      });
    }
    console.log(`API created after the kill routed by both gateways in ${Date.now() - since} ms`);
  });
});
