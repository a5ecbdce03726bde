import { describe, expect, it } from 'vitest';
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
});
