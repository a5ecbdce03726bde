import { describe, expect, it } from 'vitest';
import { changeBatches, type ImportedChange } from './change-batches.js';

const api = (id: string, padding = 0): ImportedChange => ({
  kind: 'api',
  change: 'created',
  definition: { api_id: id, name: 'x'.repeat(padding), proxy: { listen_path: `/${id}/`, target_url: 'http://u' } } as never,
});
const policy = (id: string): ImportedChange => ({ kind: 'policy', change: 'updated', policy: { id, name: id } as never });
const weight = (batch: object) => Buffer.byteLength(JSON.stringify(batch));

describe('changeBatches', () => {
  it('keeps a small import in one batch, policies and APIs in their order', () => {
    const batches = changeBatches([policy('p1'), policy('p2'), api('a'), api('b')]);
    expect(batches).toHaveLength(1);
    expect(batches[0]!.policies.map((entry) => entry.policy_id)).toEqual(['p1', 'p2']);
    expect(batches[0]!.apis.map((entry) => [entry.api_id, entry.change])).toEqual([
      ['a', 'created'],
      ['b', 'created'],
    ]);
  });

  it('splits a large import into batches under the limit, every change in exactly one, in order', () => {
    const changes = Array.from({ length: 1000 }, (_, i) => api(`api-${i}`, 200));
    const batches = changeBatches(changes, 20_000);
    expect(batches.length).toBeGreaterThan(10);
    for (const batch of batches) expect(weight(batch)).toBeLessThan(20_000 + 100);
    expect(batches.flatMap((batch) => batch.apis.map((entry) => entry.api_id))).toEqual(changes.map((_, i) => `api-${i}`));
  });

  it('sends a change larger than the limit alone, and nothing for no change', () => {
    const batches = changeBatches([api('small'), api('huge', 5_000), api('after')], 1_000);
    expect(batches.map((batch) => batch.apis.map((entry) => entry.api_id))).toEqual([['small'], ['huge'], ['after']]);
    expect(changeBatches([])).toEqual([]);
  });
});
