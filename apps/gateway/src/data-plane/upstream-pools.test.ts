import { describe, expect, it } from 'vitest';
import { eventSchemas, HEARTBEAT_MAX_UPSTREAMS, subjects } from '@portcullis/contracts';
import { UpstreamPools } from './upstream-pools.js';

describe('UpstreamPools', () => {
  it('shares one pool per origin', async () => {
    const pools = new UpstreamPools();
    expect(pools.get('http://127.0.0.1:9001')).toBe(pools.get('http://127.0.0.1:9001'));
    expect(pools.get('http://127.0.0.1:9001')).not.toBe(pools.get('http://127.0.0.1:9002'));
    await pools.closeAll();
  });

  it('closes the pools no API uses any more and keeps the others', async () => {
    const pools = new UpstreamPools();
    const kept = pools.get('http://127.0.0.1:9001');
    const dropped = pools.get('http://127.0.0.1:9002');
    pools.retainOnly(new Set(['http://127.0.0.1:9001']));
    expect(pools.origins).toEqual(['http://127.0.0.1:9001']);
    expect(kept.closed).toBe(false);
    expect(dropped.closed).toBe(true);
    // A dropped origin that comes back gets a fresh pool.
    expect(pools.get('http://127.0.0.1:9002')).not.toBe(dropped);
    await pools.closeAll();
    expect(kept.closed).toBe(true);
    expect(pools.origins).toEqual([]);
  });

  it("puts its targets' health in the heartbeat only when it has some, and within the schema's bounds", () => {
    const pools = new UpstreamPools();
    expect(pools.heartbeatUpstreams()).toBeUndefined();
    pools.health('http://127.0.0.1:9001').recordCheck(false, 'uptime test failed');
    pools.health('http://127.0.0.1:9002');
    expect(pools.heartbeatUpstreams()).toEqual([
      { origin: 'http://127.0.0.1:9001', healthy: false },
      { origin: 'http://127.0.0.1:9002', healthy: true },
    ]);
    // More targets than a heartbeat carries, and an origin too long for it: still a valid heartbeat.
    pools.health(`http://${'h'.repeat(400)}:80`);
    for (let i = 0; i < HEARTBEAT_MAX_UPSTREAMS + 10; i++) pools.health(`http://10.1.${Math.floor(i / 250)}.${i % 250}:8080`);
    const upstreams = pools.heartbeatUpstreams()!;
    expect(upstreams).toHaveLength(HEARTBEAT_MAX_UPSTREAMS);
    const heartbeat = eventSchemas[subjects.gatewayHeartbeat].safeParse({ gateway_id: 'g1', at: 1, upstreams });
    expect(heartbeat.success).toBe(true);
  });
});
