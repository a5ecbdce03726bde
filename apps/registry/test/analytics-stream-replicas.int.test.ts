import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { analyticsStreamName, ensureAnalyticsStream, JetStreamAnalyticsSink } from '@portcullis/analytics';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { JetStreamAnalyticsConsumer } from '../src/analytics/jetstream-consumer.js';
import { loadRegistryConfig } from '../src/index.js';

/**
 * NATS_STREAM_REPLICAS reaches JetStream. The machine's NATS is one server, which refuses to create
 * a stream with more than one replica ("replicas > 1 not supported in non-clustered mode"): so a
 * refusal naming replicas shows the count was sent, by the library, the gateway's sink and the
 * registry's consumer alike. (A 3-node cluster accepting 3 is the NATS cluster test's to show.)
 */

const tag = randomBytes(4).toString('hex');
const prefix = (name: string) => `${testServices.subjectPrefix}replicas-${tag}-${name}.`;
const created: string[] = [];

describeWithServices('NATS_STREAM_REPLICAS (analytics stream)', () => {
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nc = await connect({ servers: testServices.natsUrl });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    for (const name of created) await jsm?.streams.delete(name).catch(() => undefined);
    await nc?.close();
  });

  it('is read by the registry: 1 unless set, 1 to 5', () => {
    const base = { ADMIN_SECRET: 'replicas-test-secret-' + tag };
    expect(loadRegistryConfig(base).nats.streamReplicas).toBe(1);
    expect(loadRegistryConfig({ ...base, NATS_STREAM_REPLICAS: '3' }).nats.streamReplicas).toBe(3);
    for (const bad of ['0', '6', 'three']) expect(() => loadRegistryConfig({ ...base, NATS_STREAM_REPLICAS: bad }), bad).toThrow(/NATS_STREAM_REPLICAS/);
  });

  it('creates the stream with the count given', async () => {
    const name = await ensureAnalyticsStream(jsm, prefix('one'), { replicas: 1 });
    created.push(name);
    expect((await jsm.streams.info(name)).config.num_replicas).toBe(1);
  });

  it('asks for more replicas than one server has: refused, and no stream made', async () => {
    await expect(ensureAnalyticsStream(jsm, prefix('three'), { replicas: 3 })).rejects.toThrow(/replicas/i);
    await expect(jsm.streams.info(analyticsStreamName(prefix('three')))).rejects.toThrow();
  });

  it('brings an existing stream to the count given, up and down', async () => {
    const name = await ensureAnalyticsStream(jsm, prefix('grow'), { replicas: 1 });
    created.push(name);
    // A single server refuses to create a stream with 3 replicas but records an update to 3
    // (nats-server 2.9, 2.10): enough to see that the existing stream was updated to the count asked.
    await expect(ensureAnalyticsStream(jsm, prefix('grow'), { replicas: 3 })).resolves.toBe(name);
    expect((await jsm.streams.info(name)).config.num_replicas).toBe(3);
    await expect(ensureAnalyticsStream(jsm, prefix('grow'), { replicas: 1 })).resolves.toBe(name);
    expect((await jsm.streams.info(name)).config.num_replicas).toBe(1);
  });

  it("the gateway's sink and the registry's consumer pass their streamReplicas on", async () => {
    const sink = new JetStreamAnalyticsSink({
      servers: [testServices.natsUrl],
      subjectPrefix: prefix('sink'),
      name: `replicas-sink-${tag}`,
      streamReplicas: 3,
    });
    try {
      const batch = { gateway_id: 'gw', batch_id: `b-${tag}`, window: { start: Date.now(), ms: 10_000 }, aggregates: [], records: [] };
      await expect(sink.publish(batch)).rejects.toThrow(/replicas/i);
    } finally {
      await sink.close();
    }

    const warnings: string[] = [];
    const consumer = new JetStreamAnalyticsConsumer({
      servers: [testServices.natsUrl],
      subjectPrefix: prefix('consumer'),
      streamReplicas: 3,
      name: `replicas-consumer-${tag}`,
      store: () => Promise.reject(new Error('nothing is published here')),
      log: { warn: (message) => warnings.push(message), error: (message) => warnings.push(message) },
    });
    consumer.start();
    try {
      const deadline = Date.now() + 10_000;
      while (warnings.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warnings[0]).toMatch(/analytics stream set-up failed \(attempt 1\): .*replicas/i);
    } finally {
      await consumer.stop();
    }
  });
});
