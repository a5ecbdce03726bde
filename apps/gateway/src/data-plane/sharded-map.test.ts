import { describe, expect, it } from 'vitest';
import { ShardedMap } from './sharded-map.js';

describe('ShardedMap', () => {
  it('answers as a Map would across growth past many shards, and an old version keeps what it held', () => {
    let map = ShardedMap.empty<number>();
    const model = new Map<string, number>();
    let kept: { map: ShardedMap<number>; model: Map<string, number> } | null = null;
    // A fixed sequence: adds dominate until ~3,000 keys (so the shards double several times), then removals.
    for (let step = 0; step < 6_000; step++) {
      const key = `/api-${(step * 7919) % 4_001}`;
      if (step >= 4_000 || (step % 5 === 4 && model.has(key))) {
        map = map.without(key);
        model.delete(key);
      } else {
        map = map.with(key, step);
        model.set(key, step);
      }
      if (step === 2_500) kept = { map, model: new Map(model) };
    }
    const check = (actual: ShardedMap<number>, expected: Map<string, number>) => {
      expect(actual.size).toBe(expected.size);
      expect([...actual.values()].sort((a, b) => a - b)).toEqual([...expected.values()].sort((a, b) => a - b));
      const keys = Array.from({ length: 4_002 }, (_, i) => `/api-${i}`);
      expect(keys.map((key) => [actual.get(key), actual.has(key)])).toEqual(keys.map((key) => [expected.get(key), expected.has(key)]));
    };
    check(map, model);
    check(kept!.map, kept!.model);
  });

  it('returns itself when asked to remove a key it does not hold', () => {
    const map = ShardedMap.empty<number>().with('a', 1);
    expect(map.without('b')).toBe(map);
  });
});
