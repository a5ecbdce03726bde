import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compiledConfiguration, definition, startDataPlane } from '../../../test/fixtures/data-plane.js';

/** A flapping upstream: answers `status`, counting the calls it gets. */
let status = 200;
let calls = 0;
let upstream: Server;
let upstreamUrl: string;

beforeAll(async () => {
  upstream = createServer((_req, res) => {
    calls++;
    res.statusCode = status;
    res.end(String(status));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  status = 200;
  calls = 0;
});

function breakerApi(breaker: Record<string, unknown>) {
  return definition({
    api_id: 'cb',
    proxy: { listen_path: '/cb', target_url: upstreamUrl, strip_listen_path: true },
    version_data: {
      not_versioned: true,
      versions: {
        Default: { name: 'Default', use_extended_paths: true, extended_paths: { circuit_breakers: [{ path: '/flaky', method: 'GET', ...breaker }] } },
      },
    },
  } as never);
}

async function start(breaker: Record<string, unknown>) {
  const built = compiledConfiguration([breakerApi(breaker)]);
  const plane = await startDataPlane(built.config);
  cleanups.push(async () => {
    await plane.close();
    await built.pools.closeAll();
  });
  return { ...plane, metrics: built.metrics, config: built.config };
}

async function get(url: string) {
  const answer = await request(url);
  return { status: answer.statusCode, body: await answer.body.text() };
}

describe('circuit-breakers step', () => {
  it('is only in the chain of an API with circuit_breakers, right before proxy', async () => {
    const { config } = compiledConfiguration([
      breakerApi({ threshold_percent: 0.5, samples: 2, return_to_service_after: 60 }),
      definition({ api_id: 'plain', proxy: { listen_path: '/plain', target_url: upstreamUrl } }),
    ]);
    expect(config.apis.get('cb')!.chain.map((step) => step.name)).toEqual(['match', 'circuit-breakers', 'proxy', 'record']);
    expect(config.apis.get('plain')!.chain.map((step) => step.name)).not.toContain('circuit-breakers');
  });

  it('opens after the failures, answers 503 circuit_open without calling the upstream, lets one trial through after the wait', async () => {
    const gateway = await start({ threshold_percent: 0.5, samples: 4, return_to_service_after: 0.2 });
    status = 500;
    for (let i = 0; i < 4; i++) expect((await get(`${gateway.url}/cb/flaky`)).status).toBe(500);
    expect(calls).toBe(4);
    const refused = await get(`${gateway.url}/cb/flaky`);
    expect(refused.status).toBe(503);
    expect(JSON.parse(refused.body).error).toBe('circuit_open');
    expect(calls).toBe(4);
    // Another path has no breaker.
    expect((await get(`${gateway.url}/cb/other`)).status).toBe(500);
    let text = await gateway.metrics.registry.metrics();
    expect(text).toContain('portcullis_circuit_breaker_state{api_id="cb",version="Default",method="GET",path="/flaky"} 1');
    expect(text).toContain('portcullis_circuit_breaker_events_total{api_id="cb",version="Default",method="GET",path="/flaky",event="BreakerTripped"} 1');
    status = 200;
    // Refused (503, no call) until the wait is over; then the trial goes through and closes it.
    await expect.poll(async () => (await get(`${gateway.url}/cb/flaky`)).status, { interval: 20 }).toBe(200);
    expect(calls).toBe(6);
    expect((await get(`${gateway.url}/cb/flaky`)).status).toBe(200);
    text = await gateway.metrics.registry.metrics();
    expect(text).toContain('portcullis_circuit_breaker_state{api_id="cb",version="Default",method="GET",path="/flaky"} 0');
    expect(text).toContain('event="BreakerReset"} 1');
  });

  it('a method the entry does not name is not counted nor stopped', async () => {
    const gateway = await start({ threshold_percent: 0.5, samples: 2, return_to_service_after: 60 });
    status = 500;
    for (let i = 0; i < 4; i++) expect((await request(`${gateway.url}/cb/flaky`, { method: 'DELETE' })).statusCode).toBe(500);
    expect((await get(`${gateway.url}/cb/flaky`)).status).toBe(500);
  });
});
