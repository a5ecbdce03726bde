import type { ConfigBatchEvent } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { absentAuthService, definition } from '../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../test/fixtures/enforcement.js';
import { ConfigurationStore } from './configuration-store.js';
import { GatewayMetrics } from './metrics.js';
import { UpstreamPools } from './upstream-pools.js';
import { seededRandom } from '../../../../tools/test/seeded-random.js';

/**
 * A change applied as a delta must leave the store exactly where a whole snapshot of the same
 * definitions would: the same APIs, routes, collisions, known ids and open pools. Random sequences
 * of creates, updates and deletes (over few paths, domains and targets, so collisions, shared
 * pools and inactive APIs all happen), compared after every step with a store built from scratch.
 */

/** Metrics that note which APIs were compiled (compileApi tracks each one's breakers, once). */
class CountingMetrics extends GatewayMetrics {
  readonly compiled: string[] = [];

  override trackBreakers(...args: Parameters<GatewayMetrics['trackBreakers']>): void {
    this.compiled.push(args[0]);
    super.trackBreakers(...args);
  }
}

function newStore(metrics = new CountingMetrics()) {
  const pools = new UpstreamPools();
  const warnings: string[] = [];
  const store = new ConfigurationStore(
    { pools, metrics, defaultTimeoutSeconds: 30, oauth: absentAuthService(), enforcement: memoryEnforcement().enforcement },
    { warn: (message) => void warnings.push(message), error: (message) => void warnings.push(message) },
  );
  return { store, pools, warnings, metrics };
}

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const paths = ['/', '/x', '/x/y', '/orders', '/orders/lines', '/z'];
const domains = ['', '', 'shop.example', 'SHOP.example:8443'];
const targets = ['http://127.0.0.1:9001', 'http://127.0.0.1:9002', 'http://127.0.0.1:9003/v2'];
const probes = ['/', '/x', '/x/', '/x/y/1', '/xy', '/orders/1', '/orders/lines/2', '/z/q', '/nothing', '*'];
const hosts = [null, 'shop.example', 'shop.example:8443', 'other.example'];

function randomDefinition(id: string, pick: <T>(from: readonly T[]) => T): ApiDefinition {
  return definition({
    api_id: id,
    domain: pick(domains),
    active: pick([true, true, true, false]),
    proxy: { listen_path: pick(paths), target_url: pick(targets) },
  } as never);
}

/** What a request, a credential check or the pools can observe of the store. */
function observed(store: ConfigurationStore, pools: UpstreamPools) {
  const current = store.current;
  return {
    revision: current.revision,
    apis: [...current.apis.keys()].sort(),
    routed: hosts.flatMap((host) => probes.map((path) => `${host} ${path} → ${current.routes.match(current.routes.usesDomains ? host : null, path)?.id}`)),
    collisions: current.routes.collisions.map((api) => api.id).sort(),
    defined: ids.filter((id) => current.definedApiIds.has(id)),
    pools: pools.origins.sort(),
  };
}

describe('ConfigurationStore deltas', () => {
  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`gives what a whole snapshot gives, after every step of a random sequence (seed ${seed})`, () => {
      const next = seededRandom(seed);
      const pick = <T>(from: readonly T[]): T => from[Math.floor(next() * from.length)]!;
      const { store, pools } = newStore();
      // Metrics are kept per API id, not per store: one for every store built from scratch will do.
      const wholeMetrics = new CountingMetrics();
      const held = new Map<string, ApiDefinition>();
      store.replace({ revision: 0, apis: [], policies: [], client_bindings: [] });
      for (let revision = 1; revision <= 80; revision++) {
        const id = pick(ids);
        if (held.has(id) && next() < 0.35) {
          held.delete(id);
          store.apply({ revision, api_id: id, change: 'deleted', definition: null });
        } else {
          const changed = randomDefinition(id, pick);
          const change = held.has(id) ? 'updated' : 'created';
          held.set(id, changed);
          store.apply({ revision, api_id: id, change, definition: changed });
        }
        const whole = newStore(wholeMetrics);
        whole.store.replace({ revision, apis: [...held.values()], policies: [], client_bindings: [] });
        expect(observed(store, pools), `seed ${seed}, revision ${revision}`).toEqual(observed(whole.store, whole.pools));
      }
    });
  }

  for (const seed of [7, 8, 9]) {
    it(`applies an import's batches (several changes, one revision) as a whole snapshot would (seed ${seed})`, () => {
      const next = seededRandom(seed);
      const pick = <T>(from: readonly T[]): T => from[Math.floor(next() * from.length)]!;
      const { store, pools } = newStore();
      const wholeMetrics = new CountingMetrics();
      const held = new Map<string, ApiDefinition>();
      const policies = new Map<string, { id: string; name: string }>();
      store.replace({ revision: 0, apis: [], policies: [], client_bindings: [] });
      for (let revision = 1; revision <= 30; revision++) {
        const batch: ConfigBatchEvent = { revision, policies: [], apis: [] };
        // An id more than once in a batch too: the later change wins, as in order.
        for (let i = Math.floor(next() * 6); i >= 0; i--) {
          const id = pick(ids);
          if (held.has(id) && next() < 0.35) {
            held.delete(id);
            batch.apis.push({ api_id: id, change: 'deleted', definition: null });
          } else {
            const changed = randomDefinition(id, pick);
            batch.apis.push({ api_id: id, change: held.has(id) ? 'updated' : 'created', definition: changed });
            held.set(id, changed);
          }
        }
        const policyId = `p-${pick(ids)}`;
        const policy = { id: policyId, name: `rev ${revision}` };
        batch.policies.push({ policy_id: policyId, change: policies.has(policyId) ? 'updated' : 'created', policy: policy as never });
        policies.set(policyId, policy);
        store.apply(batch);
        const whole = newStore(wholeMetrics);
        whole.store.replace({ revision, apis: [...held.values()], policies: [...policies.values()] as never, client_bindings: [] });
        expect(observed(store, pools), `seed ${seed}, revision ${revision}`).toEqual(observed(whole.store, whole.pools));
        expect([...store.policies.entries()].sort()).toEqual([...whole.store.policies.entries()].sort());
      }
    });
  }

  it('compiles only the changed API, however many are loaded', () => {
    const { store, metrics } = newStore();
    const many = Array.from({ length: 2_000 }, (_, i) =>
      definition({ api_id: `api-${i}`, proxy: { listen_path: `/api-${i}`, target_url: 'http://127.0.0.1:9001' } }),
    );
    store.replace({ revision: 1, apis: many, policies: [], client_bindings: [] });
    expect(metrics.compiled).toHaveLength(2_000);
    metrics.compiled.length = 0;
    store.apply({
      revision: 2,
      api_id: 'new',
      change: 'created',
      definition: definition({ api_id: 'new', proxy: { listen_path: '/new', target_url: 'http://127.0.0.1:9001' } }),
    });
    store.apply({ revision: 3, api_id: 'api-7', change: 'deleted', definition: null });
    store.apply({ revision: 4, policy_id: 'p', change: 'deleted', policy: null });
    expect(metrics.compiled).toEqual(['new']);
    expect(store.current.apis.size).toBe(2_000);
    expect(store.current.routes.match(null, '/new/1')?.id).toBe('new');
    expect(store.current.routes.match(null, '/api-7')).toBeUndefined();
  });

  it('warns of a collision once, when the change makes it', () => {
    const { store, warnings } = newStore();
    const at = (id: string) => definition({ api_id: id, proxy: { listen_path: '/same', target_url: 'http://127.0.0.1:9001' } });
    store.replace({ revision: 1, apis: [at('a')], policies: [], client_bindings: [] });
    store.apply({ revision: 2, api_id: 'b', change: 'created', definition: at('b') });
    store.apply({
      revision: 3,
      api_id: 'c',
      change: 'created',
      definition: definition({ api_id: 'c', proxy: { listen_path: '/c', target_url: 'http://127.0.0.1:9001' } }),
    });
    expect(warnings).toEqual(['API b not routed: another API already uses (any host) /same']);
    store.apply({ revision: 4, api_id: 'a', change: 'deleted', definition: null });
    expect(store.current.routes.match(null, '/same')?.id).toBe('b');
    expect(store.current.routes.collisions).toEqual([]);
  });
});
