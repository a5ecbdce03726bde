import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { createGatewayApp, loadGatewayConfig } from '../src/index.js';
import { startEchoUpstream, type Echo, type EchoUpstream } from './fixtures/echo-upstream.js';
import { startStandInRegistry, type StandInRegistry } from './fixtures/stand-in-registry.js';
import { startTcpLink, type TcpLink } from '../../../tools/test/tcp-link.js';

/** Retries `check` until it stops throwing, within `timeout` ms. */
const eventually = <T>(check: () => Promise<T>, timeout: number): Promise<T> => vi.waitFor(check, { timeout, interval: 50 });

/**
 * A gateway that loses NATS (its link is cut; NATS stays up for the registry) keeps serving what it
 * has, reports itself not ready, and on reconnecting fetches a fresh snapshot: changes made while it
 * was cut off, whose events it never saw, take effect.
 */
describeWithServices('gateway losing and regaining NATS', () => {
  let upstream: EchoUpstream;
  let registry: StandInRegistry;
  let link: TcpLink;
  let gateway: RunningService;

  const get = (path: string) => request(`${gateway.url}${path}`);
  const api = (id: string) => ({ api_id: id, name: id, use_keyless: true, proxy: { listen_path: `/${id}`, target_url: upstream.url } });

  beforeAll(async () => {
    upstream = await startEchoUpstream();
    registry = await startStandInRegistry(testServices.natsUrl, testServices.subjectPrefix);
    await registry.state.put(api('before'));
    link = await startTcpLink(testServices.natsUrl);
    const config = loadGatewayConfig({
      GATEWAY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: 'reconnect-test-secret',
      LOG_LEVEL: 'silent',
      SNAPSHOT_TIMEOUT_MS: '1000',
    });
    gateway = await createGatewayApp(config, {
      transport: createBusTransport({ kind: 'nats', servers: [link.url], subjectPrefix: testServices.subjectPrefix, name: 'gateway-reconnect-int' }),
    });
    await eventually(async () => expect((await get('/ready')).statusCode).toBe(200), 5_000);
  });

  afterAll(async () => {
    await gateway?.close();
    await registry?.close();
    await link?.close();
    await upstream?.close();
  });

  it('serves its last configuration while cut off, and catches up with a fresh snapshot when back', async () => {
    const snapshotsBefore = registry.state.snapshotRequests;
    await link.cut();
    await eventually(async () => {
      const ready = await get('/ready');
      expect(ready.statusCode).toBe(503);
      expect(await ready.body.json()).toMatchObject({ missing: ['bus'] });
    }, 5_000);
    // Still proxying on what it has.
    const served = await get('/before/1');
    expect(served.statusCode).toBe(200);
    expect(((await served.body.json()) as Echo).url).toBe('/before/1');

    // Changes it cannot hear about.
    await registry.state.put(api('while-away'));
    await registry.state.remove('before');
    expect((await get('/while-away/1')).statusCode).toBe(404);

    await link.restore();
    await eventually(async () => {
      expect((await get('/ready')).statusCode).toBe(200);
      expect((await get('/while-away/1')).statusCode).toBe(200);
      expect((await get('/before/1')).statusCode).toBe(404);
    }, 10_000);
    expect(registry.state.snapshotRequests).toBeGreaterThan(snapshotsBefore);
  });
});
