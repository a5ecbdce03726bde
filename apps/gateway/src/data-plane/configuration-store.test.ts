import type { ApiDefinition, Policy } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { absentAuthService, definition } from '../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../test/fixtures/enforcement.js';
import { ConfigurationStore } from './configuration-store.js';
import { GatewayMetrics } from './metrics.js';
import { UpstreamPools } from './upstream-pools.js';
import { certificateKeySeal, type StoredCertificate } from '@portcullis/domain';
import { afterAll } from 'vitest';
import { createTestCa } from '../../../../tools/test/certificates.js';

const ca = createTestCa();
afterAll(() => ca.dispose());
const seal = certificateKeySeal(undefined, 'an-admin-secret-of-enough-length');
function storedCertificate(id: string, names: string[]): StoredCertificate {
  const pair = ca.issue(names);
  return { id, org_id: '', cert_pem: pair.cert, sealed_key: seal.seal(Buffer.from(pair.key), id) };
}

function setup() {
  const pools = new UpstreamPools();
  const messages: string[] = [];
  const store = new ConfigurationStore(
    { pools, metrics: new GatewayMetrics(), defaultTimeoutSeconds: 30, oauth: absentAuthService(), enforcement: memoryEnforcement().enforcement },
    { warn: (m) => void messages.push(m), error: (m) => void messages.push(m) },
  );
  return { store, pools, messages };
}

const api = (id: string, target = 'http://127.0.0.1:9001', extra: Partial<ApiDefinition> = {}) =>
  definition({ api_id: id, ...extra, proxy: { listen_path: `/${id}`, target_url: target } });

describe('ConfigurationStore', () => {
  it('starts empty and not loaded, and serves a snapshot once replaced', () => {
    const { store } = setup();
    expect(store.loaded).toBe(false);
    expect(store.current.revision).toBe(-1);
    expect(store.current.routes.match(null, '/a')).toBeUndefined();
    store.replace({ revision: 3, apis: [api('a'), api('b')], policies: [], client_bindings: [] });
    expect(store.loaded).toBe(true);
    expect(store.current.revision).toBe(3);
    expect(store.current.routes.match(null, '/a/x')?.id).toBe('a');
  });

  it('leaves inactive APIs out, as Tyk does not load them', () => {
    const { store } = setup();
    store.replace({ revision: 1, apis: [api('on'), api('off', undefined, { active: false })], policies: [], client_bindings: [] });
    expect([...store.current.apis.keys()]).toEqual(['on']);
    store.apply({ revision: 2, api_id: 'on', change: 'updated', definition: api('on', undefined, { active: false }) });
    expect(store.current.apis.size).toBe(0);
  });

  it('swaps in a new configuration per event and leaves the old one untouched', () => {
    const { store } = setup();
    store.replace({ revision: 1, apis: [api('a')], policies: [], client_bindings: [] });
    const before = store.current;
    store.apply({ revision: 2, api_id: 'b', change: 'created', definition: api('b') });
    store.apply({ revision: 3, api_id: 'a', change: 'deleted', definition: null });
    expect(store.current).not.toBe(before);
    expect(before.routes.match(null, '/a')?.id).toBe('a');
    expect(before.routes.match(null, '/b')).toBeUndefined();
    expect(store.current.routes.match(null, '/a')).toBeUndefined();
    expect(store.current.routes.match(null, '/b')?.id).toBe('b');
    expect(store.current.revision).toBe(3);
  });

  it('keeps unchanged APIs compiled as they were, and a shared origin on one pool', () => {
    const { store } = setup();
    store.replace({ revision: 1, apis: [api('a'), api('b')], policies: [], client_bindings: [] });
    const a = store.current.apis.get('a');
    store.apply({ revision: 2, api_id: 'b', change: 'updated', definition: api('b', 'http://127.0.0.1:9001/v2') });
    expect(store.current.apis.get('a')).toBe(a);
    expect(store.current.apis.get('b')!.upstream.pool).toBe(a!.upstream.pool);
  });

  it('closes the pool of an origin no API targets any more', () => {
    const { store, pools } = setup();
    store.replace({ revision: 1, apis: [api('a', 'http://127.0.0.1:9001'), api('b', 'http://127.0.0.1:9002')], policies: [], client_bindings: [] });
    const oldPool = store.current.apis.get('b')!.upstream.pool;
    store.apply({ revision: 2, api_id: 'b', change: 'updated', definition: api('b', 'http://127.0.0.1:9001') });
    expect(pools.origins).toEqual(['http://127.0.0.1:9001']);
    expect((oldPool as unknown as { closed: boolean }).closed).toBe(true);
  });

  it("keeps the pool of a version's override_target open across swaps", () => {
    const { store, pools } = setup();
    const versioned = definition({
      api_id: 'v',
      proxy: { listen_path: '/v', target_url: 'http://127.0.0.1:9001' },
      version_data: { not_versioned: false, default_version: 'v2', versions: { v2: { override_target: 'http://127.0.0.1:9003/v2' } } },
      definition: { location: 'header', key: 'x-api-version' },
    } as never);
    store.replace({ revision: 1, apis: [versioned], policies: [], client_bindings: [] });
    const pool = store.current.apis.get('v')!.versions!.byName.get('v2')!.upstream!.pool;
    store.apply({ revision: 2, api_id: 'b', change: 'created', definition: api('b', 'http://127.0.0.1:9002') });
    expect(pools.origins.sort()).toEqual(['http://127.0.0.1:9001', 'http://127.0.0.1:9002', 'http://127.0.0.1:9003']);
    expect((pool as unknown as { closed: boolean }).closed).toBe(false);
  });

  it("keeps the pools of a load-balanced API's every target open across swaps, and stops its uptime checkers when it goes", () => {
    const { store, pools } = setup();
    const balanced = definition({
      api_id: 'lb',
      proxy: {
        listen_path: '/lb',
        target_url: 'http://127.0.0.1:9001',
        enable_load_balancing: true,
        target_list: ['http://127.0.0.1:9004', 'http://127.0.0.1:9005'],
        check_host_against_uptime_tests: true,
      },
      uptime_tests: { check_list: [{ url: 'http://127.0.0.1:9005/health' }], config: { recheck_wait: 3600 } },
    } as never);
    store.replace({ revision: 1, apis: [balanced], policies: [], client_bindings: [] });
    const targets = store.current.apis.get('lb')!.upstream.balancing!.balancer.targets;
    store.apply({ revision: 2, api_id: 'b', change: 'created', definition: api('b', 'http://127.0.0.1:9002') });
    expect(pools.origins.sort()).toEqual(['http://127.0.0.1:9001', 'http://127.0.0.1:9002', 'http://127.0.0.1:9004', 'http://127.0.0.1:9005']);
    for (const target of targets) expect((target.pool as unknown as { closed: boolean }).closed).toBe(false);
    const checkers = (pools as unknown as { checkers: Map<string, { stopped: boolean }> }).checkers;
    const [checker] = [...checkers.values()];
    expect(checkers.size).toBe(1);
    store.apply({ revision: 3, api_id: 'lb', change: 'deleted', definition: null });
    expect(checkers.size).toBe(0);
    expect(checker!.stopped).toBe(true);
    expect(pools.origins).toEqual(['http://127.0.0.1:9002']);
  });

  it("gives a load-balanced API's https targets its proxy.transport TLS options, and keeps those pools open across swaps", () => {
    const { store, pools } = setup();
    const balanced = definition({
      api_id: 'lbs',
      proxy: {
        listen_path: '/lbs',
        target_url: 'https://127.0.0.1:9441',
        enable_load_balancing: true,
        target_list: ['https://127.0.0.1:9441', 'https://127.0.0.1:9442'],
        transport: { ssl_min_version: 772 },
      },
    } as never);
    store.replace({ revision: 1, apis: [balanced], policies: [], client_bindings: [] });
    const targets = store.current.apis.get('lbs')!.upstream.balancing!.balancer.targets;
    for (const target of targets) expect(target.poolKey).toMatch(new RegExp(`^${target.origin}#`));
    store.apply({ revision: 2, api_id: 'b', change: 'created', definition: api('b', 'http://127.0.0.1:9002') });
    for (const target of targets) expect((target.pool as unknown as { closed: boolean }).closed).toBe(false);
    expect(pools.origins).toEqual(expect.arrayContaining(targets.map((target) => target.poolKey)));
  });

  it("a version's override_target is not balanced: it replaces the target_list", () => {
    const { store } = setup();
    const versioned = definition({
      api_id: 'v',
      proxy: { listen_path: '/v', target_url: 'http://127.0.0.1:9001', enable_load_balancing: true, target_list: ['http://127.0.0.1:9004'] },
      version_data: { not_versioned: false, default_version: 'v2', versions: { v2: { override_target: 'http://127.0.0.1:9003/v2' } } },
      definition: { location: 'header', key: 'x-api-version' },
    } as never);
    store.replace({ revision: 1, apis: [versioned], policies: [], client_bindings: [] });
    expect(store.current.apis.get('v')!.upstream.balancing).not.toBeNull();
    expect(store.current.apis.get('v')!.versions!.byName.get('v2')!.upstream!.balancing).toBeNull();
  });

  it('logs an API that collides with another on the same route, and routes the first by id', () => {
    const { store, messages } = setup();
    const first = definition({ api_id: 'a-first', proxy: { listen_path: '/same', target_url: 'http://127.0.0.1:9001' } });
    const second = definition({ api_id: 'b-second', proxy: { listen_path: '/same/', target_url: 'http://127.0.0.1:9001' } });
    store.replace({ revision: 1, apis: [second, first], policies: [], client_bindings: [] });
    expect(store.current.routes.match(null, '/same')?.id).toBe('a-first');
    expect(messages.some((m) => m.includes('b-second'))).toBe(true);
  });
});

describe('ConfigurationStore and policies', () => {
  const policy = (id: string, rate = 10): Policy => ({
    id,
    name: id,
    org_id: '',
    rate,
    per: 1,
    quota_max: -1,
    quota_renewal_rate: -1,
    access_rights: {},
    tags: [],
    key_expires_in: 0,
    is_inactive: false,
  });

  it("keeps the snapshot's policies by id, and follows policy events without recompiling the APIs", () => {
    const { store } = setup();
    store.replace({ revision: 1, apis: [api('a')], policies: [policy('gold'), policy('silver')], client_bindings: [] });
    expect([...store.policies.keys()]).toEqual(['gold', 'silver']);
    const compiledA = store.current.apis.get('a');
    const before = store.policies;

    store.apply({ revision: 2, policy_id: 'gold', change: 'updated', policy: policy('gold', 99) });
    store.apply({ revision: 3, policy_id: 'silver', change: 'deleted', policy: null });
    store.apply({ revision: 4, policy_id: 'bronze', change: 'created', policy: policy('bronze') });

    expect(store.policies.get('gold')?.rate).toBe(99);
    expect([...store.policies.keys()].sort()).toEqual(['bronze', 'gold']);
    expect(store.current.revision).toBe(4);
    expect(store.current.apis.get('a')).toBe(compiledA);
    // The map a reader already holds does not change under it.
    expect(before.get('gold')?.rate).toBe(10);
    expect(before.has('silver')).toBe(true);
  });

  it('replaces the policies whole on a snapshot', () => {
    const { store } = setup();
    store.replace({ revision: 1, apis: [], policies: [policy('old')], client_bindings: [] });
    store.replace({ revision: 5, apis: [], policies: [policy('new')], client_bindings: [] });
    expect([...store.policies.keys()]).toEqual(['new']);
  });

  describe('certificates of the store', () => {
    function withSeal() {
      const pools = new UpstreamPools();
      const messages: string[] = [];
      const store = new ConfigurationStore(
        { pools, metrics: new GatewayMetrics(), defaultTimeoutSeconds: 30, oauth: absentAuthService(), enforcement: memoryEnforcement().enforcement },
        { warn: (m) => void messages.push(m), error: (m) => void messages.push(m) },
        seal,
      );
      return { store, messages };
    }
    const idA = `a${'1'.repeat(64)}`;
    const idB = `b${'2'.repeat(64)}`;

    it("serves a certificate bound by an API's domain from the snapshot; an added or deleted one changes what is served", () => {
      const { store } = withSeal();
      const shop = api('shop', undefined, { domain: 'shop.test', certificates: [idA, idB] } as Partial<ApiDefinition>);
      store.replace({ revision: 1, apis: [shop], policies: [], client_bindings: [], certificates: [storedCertificate(idA, ['shop.test'])] });
      const first = store.servedCertificates.contextFor('shop.test');
      expect(first).toBeDefined();
      store.apply({ revision: 2, cert_id: idB, change: 'created', certificate: storedCertificate(idB, ['shop.test']) });
      expect(store.current.revision).toBe(2);
      // Same validity (issued the same day): the first bound stays; both are served from the table.
      expect(store.servedCertificates.contextFor('shop.test')).toBeDefined();
      store.apply({ revision: 3, cert_id: idA, change: 'deleted', certificate: null });
      store.apply({ revision: 4, cert_id: idB, change: 'deleted', certificate: null });
      expect(store.servedCertificates.contextFor('shop.test')).toBeUndefined();
    });

    it('compiles again only the APIs presenting a changed certificate upstream (their pool changes), and warns of an id it does not hold', () => {
      const { store, messages } = withSeal();
      const secure = api('secure', 'https://127.0.0.1:9443', { upstream_certificates: { '*': idA } } as Partial<ApiDefinition>);
      store.replace({ revision: 1, apis: [secure, api('plain')], policies: [], client_bindings: [] });
      expect(messages).toEqual([expect.stringContaining(`upstream_certificates names ${idA}`)]);
      const before = store.current.apis.get('secure')!;
      const plain = store.current.apis.get('plain')!;
      expect(before.upstream.tls).toBeNull();
      store.apply({ revision: 2, cert_id: idA, change: 'created', certificate: storedCertificate(idA, ['client']) });
      const after = store.current.apis.get('secure')!;
      expect(after).not.toBe(before);
      expect(after.upstream.tls?.cert).toContain('BEGIN CERTIFICATE');
      expect(after.upstream.poolKey).not.toBe(before.upstream.poolKey);
      expect(store.current.apis.get('plain')).toBe(plain);
      store.apply({ revision: 3, cert_id: idA, change: 'deleted', certificate: null });
      expect(store.current.apis.get('secure')!.upstream.tls).toBeNull();
    });
  });
});
