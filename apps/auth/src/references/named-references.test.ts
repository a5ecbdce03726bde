import { describe, expect, it } from 'vitest';
import { addedReferences, clientReferences, sessionReferences } from './named-references.js';

describe('named references', () => {
  it("names each of a client's APIs and policies by its place in the list", () => {
    expect(clientReferences({ api_ids: ['a', 'b'], policy_ids: ['p'] })).toEqual([
      { kind: 'api', id: 'a', field: 'api_ids.0' },
      { kind: 'api', id: 'b', field: 'api_ids.1' },
      { kind: 'policy', id: 'p', field: 'policy_ids.0' },
    ]);
  });

  it("names a session's policies and the APIs of its access rights (an api_id unlike its key too)", () => {
    const session = { apply_policies: ['gold'], access_rights: { orders: { api_id: 'orders' }, shop: { api_id: 'shop-v2' } } };
    expect(sessionReferences(session as never)).toEqual([
      { kind: 'policy', id: 'gold', field: 'apply_policies.0' },
      { kind: 'api', id: 'orders', field: 'access_rights.orders' },
      { kind: 'api', id: 'shop', field: 'access_rights.shop' },
      { kind: 'api', id: 'shop-v2', field: 'access_rights.shop.api_id' },
    ]);
  });

  it('an update is checked only for what it adds: a reference kept from the stored credential stays allowed', () => {
    const stored = clientReferences({ api_ids: ['gone'], policy_ids: ['p'] });
    expect(addedReferences(clientReferences({ api_ids: ['gone', 'new'], policy_ids: ['p'] }), stored)).toEqual([
      { kind: 'api', id: 'new', field: 'api_ids.1' },
    ]);
  });
});
