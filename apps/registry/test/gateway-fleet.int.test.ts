import { createBusTransport, type BusTransport } from '@portcullis/bus';
import { GATEWAY_SILENT_AFTER_MS, subjects, type GatewayHeartbeat } from '@portcullis/contracts';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { lastValueFrom } from 'rxjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../../tools/test/wait-for.js';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';
import type { FleetGateway } from '../src/gateways/gateway-fleet.js';

const secret = 'registry-fleet-secret-' + randomBytes(8).toString('hex');
const tag = randomBytes(4).toString('hex');
const schemas = [`registry_fleet_a_${tag}`, `registry_fleet_b_${tag}`];

/**
 * Two registry replicas on the real NATS, and heartbeats sent as a gateway sends them: each replica
 * must hear every heartbeat (the requests the registry answers are queue-grouped, one replica each;
 * this event must not be), so either replica's GET /admin/gateways lists the whole fleet.
 */
describeWithServices('registry replicas: every one hears every gateway heartbeat', () => {
  const registries: RunningService[] = [];
  let gateway: BusTransport;

  beforeAll(async () => {
    for (const schema of schemas) {
      const config = loadRegistryConfig({ REGISTRY_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: secret, LOG_LEVEL: 'silent' });
      const transport = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `${schema}` });
      registries.push(await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } }));
    }
    gateway = createBusTransport({ kind: 'nats', servers: [testServices.natsUrl], subjectPrefix: testServices.subjectPrefix, name: `fleet-gateway-${tag}` });
    await gateway.client.connect();
  });

  afterAll(async () => {
    await Promise.allSettled(registries.map((registry) => registry.close()));
    await gateway?.client.close();
    await dropScratchSchemas(...schemas);
  });

  const fleetOf = async (registry: RunningService) => {
    const response = await fetch(`${registry.url}/admin/gateways`, { headers: { authorization: `Bearer ${secret}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { gateways: FleetGateway[] };
  };

  it('both replicas hear each of ten heartbeats sent once, and both forget those gateways once they are silent', async () => {
    // Each heartbeat is sent once: a queue-grouped handler would give each replica about half.
    const heartbeats: GatewayHeartbeat[] = Array.from({ length: 10 }, (_, n) => ({
      gateway_id: `fleet-int-${tag}-${n}`,
      at: Date.now(),
      upstreams: [{ origin: `http://127.0.0.1:${9000 + n}`, healthy: n % 2 === 0 }],
    }));
    await Promise.all(heartbeats.map((heartbeat) => lastValueFrom(gateway.client.emit(subjects.gatewayHeartbeat, heartbeat), { defaultValue: null })));
    const sentAt = Date.now();
    for (const registry of registries) {
      const listed = await waitFor(
        async () => {
          const ours = (await fleetOf(registry)).gateways.filter((g) => g.gateway_id.startsWith(`fleet-int-${tag}-`));
          return ours.length === heartbeats.length ? ours : undefined;
        },
        { timeoutMs: 2_000, message: `all ${heartbeats.length} gateways at ${registry.url}` },
      );
      expect(listed.map(({ gateway_id, upstreams }) => ({ gateway_id, upstreams }))).toEqual(
        heartbeats.map(({ gateway_id, upstreams }) => ({ gateway_id, upstreams })).sort((a, b) => (a.gateway_id < b.gateway_id ? -1 : 1)),
      );
    }
    for (const registry of registries) {
      await waitFor(async () => !(await fleetOf(registry)).gateways.some((g) => g.gateway_id.startsWith(`fleet-int-${tag}-`)), {
        timeoutMs: GATEWAY_SILENT_AFTER_MS + 3_000,
        message: `the silent gateways to be forgotten at ${registry.url}`,
      });
    }
    // Forgotten by expiry, not at once: a heartbeat lost in transit must not drop a live gateway.
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(GATEWAY_SILENT_AFTER_MS - 500);
  });
});
