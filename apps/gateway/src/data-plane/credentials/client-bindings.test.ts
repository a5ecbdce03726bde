import { describe, expect, it } from 'vitest';
import { absentAuthService } from '../../../test/fixtures/data-plane.js';
import { memoryEnforcement } from '../../../test/fixtures/enforcement.js';
import { ConfigurationStore } from '../configuration-store.js';
import { GatewayMetrics } from '../metrics.js';
import { UpstreamPools } from '../upstream-pools.js';
import { bindingKey } from './client-bindings.js';

const issuer = 'https://idp.test';
const binding = (clientId: string, policyIds: string[]) => ({
  issuer,
  client_id: clientId,
  api_id: 'orders',
  policy_ids: policyIds,
  app_id: `app-${clientId}`,
});

function store() {
  return new ConfigurationStore(
    {
      pools: new UpstreamPools(),
      metrics: new GatewayMetrics(),
      defaultTimeoutSeconds: 30,
      oauth: absentAuthService(),
      enforcement: memoryEnforcement().enforcement,
    },
    { warn: () => undefined, error: () => undefined },
  );
}

describe('client bindings in the configuration store', () => {
  it('loads them from the snapshot (none from a registry that sends none)', () => {
    const s = store();
    s.replace({ revision: 3, apis: [], policies: [], client_bindings: [binding('c1', ['gold'])] });
    expect(s.clientBindings.get(bindingKey(issuer, 'c1'))?.policy_ids).toEqual(['gold']);
    s.replace({ revision: 4, apis: [], policies: [] } as never);
    expect(s.clientBindings.size).toBe(0);
  });

  it('applies binding events in revision order and replaces the policy table, so cached tokens are judged again', () => {
    const s = store();
    s.replace({ revision: 1, apis: [], policies: [], client_bindings: [] });
    const policiesBefore = s.policies;
    s.apply({ revision: 2, issuer, client_id: 'c1', change: 'created', binding: binding('c1', ['gold']) });
    expect(s.current.revision).toBe(2);
    expect(s.clientBindings.get(bindingKey(issuer, 'c1'))?.policy_ids).toEqual(['gold']);
    expect(s.policies).not.toBe(policiesBefore);
    const bindingsBefore = s.clientBindings;
    s.apply({ revision: 3, issuer, client_id: 'c1', change: 'deleted', binding: null });
    expect(s.clientBindings.has(bindingKey(issuer, 'c1'))).toBe(false);
    // The table a request started with is left as it was.
    expect(bindingsBefore.has(bindingKey(issuer, 'c1'))).toBe(true);
  });
});
