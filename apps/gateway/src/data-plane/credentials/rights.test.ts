import type { Policy, Session } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { RightsCompiler } from './rights.js';

const policy = (id: string, extra: Partial<Policy> = {}): Policy =>
  ({
    id,
    rate: 0,
    per: 0,
    quota_max: -1,
    quota_renewal_rate: -1,
    access_rights: { orders: { api_id: 'orders', versions: [], allowed_urls: [] } },
    tags: [],
    is_inactive: false,
    org_id: '',
    ...extra,
  }) as Policy;
const session = (applied: string[], orgId = ''): Session =>
  ({
    rate: 0,
    per: 0,
    quota_max: -1,
    quota_renewal_rate: -1,
    access_rights: {},
    tags: [],
    apply_policies: applied,
    is_inactive: false,
    org_id: orgId,
    expires: 0,
    meta_data: {},
    hmac_enabled: false,
  }) as Session;

describe('RightsCompiler refusals', () => {
  it('says which policy is gone when a credential names a deleted one, for keys and tokens alike', () => {
    const table = new Map([['silver', policy('silver')]]);
    const compiler = new RightsCompiler();
    expect(compiler.forSession(session(['silver', 'gold']), table)).toMatchObject({ active: false, inactiveBecause: "Policy 'gold' no longer exists" });
    expect(compiler.forPolicies(['gold'], table)).toMatchObject({ active: false, inactiveBecause: "Policy 'gold' no longer exists" });
    expect(compiler.forPolicies(['silver'], table)).toMatchObject({ active: true, inactiveBecause: null });
  });

  it("says nothing more for a refusal that is not a missing policy (another organisation's policy)", () => {
    const table = new Map([['theirs', policy('theirs', { org_id: 'b' })]]);
    expect(new RightsCompiler().forSession(session(['theirs'], 'a'), table)).toMatchObject({ active: false, inactiveBecause: null });
  });
});
