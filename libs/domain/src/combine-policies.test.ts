import { describe, expect, it } from 'vitest';
import { combinePolicies, compilePattern, type CombinedRights, type SessionLimits } from './combine-policies.js';
import { policySchema, sessionSchema, type Policy, type PolicyInput, type SessionInput } from './policy.js';

function policy(id: string, fields: Partial<PolicyInput> & Record<string, unknown> = {}): Policy {
  return { ...policySchema.parse({ name: id, ...fields }), id } as Policy;
}

function session(fields: SessionInput = {}): SessionLimits {
  return sessionSchema.parse(fields);
}

const right = (apiId: string, extra: Record<string, unknown> = {}) => ({ [apiId]: { api_id: apiId, versions: ['Default'], ...extra } });

function combined(s: SessionLimits, ...policies: Policy[]): CombinedRights {
  const result = combinePolicies(s, new Map(policies.map((p) => [p.id, p])));
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.rights;
}

describe('combinePolicies: limits, as Tyk combines them', () => {
  const cases: { name: string; policies: Partial<PolicyInput>[]; expected: Partial<CombinedRights> }[] = [
    {
      name: 'one policy sets everything',
      policies: [{ rate: 10, per: 1, quota_max: 100, quota_renewal_rate: 60 }],
      expected: { rate: 10, per: 1, quotaMax: 100, quotaRenewalRate: 60 },
    },
    {
      name: 'the highest allowance wins, compared per second (100/60s < 5/1s)',
      policies: [
        { rate: 100, per: 60 },
        { rate: 5, per: 1 },
      ],
      expected: { rate: 5, per: 1 },
    },
    {
      name: 'the highest allowance wins whatever the order',
      policies: [
        { rate: 5, per: 1 },
        { rate: 100, per: 60 },
      ],
      expected: { rate: 5, per: 1 },
    },
    {
      name: 'an unlimited rate (-1) beats every other',
      policies: [
        { rate: 1000, per: 1 },
        { rate: -1, per: 1 },
      ],
      expected: { rate: -1, per: 1 },
    },
    {
      name: 'a rate of 0 sets nothing (Tyk emptyRateLimit)',
      policies: [
        { rate: 0, per: 0 },
        { rate: 3, per: 10 },
      ],
      expected: { rate: 3, per: 10 },
    },
    {
      name: 'the highest quota wins, its renewal with it',
      policies: [
        { quota_max: 500, quota_renewal_rate: 3600 },
        { quota_max: 100, quota_renewal_rate: 60 },
      ],
      expected: { quotaMax: 500, quotaRenewalRate: 3600 },
    },
    {
      name: 'an unlimited quota (-1) beats all',
      policies: [
        { quota_max: 100, quota_renewal_rate: 60 },
        { quota_max: -1, quota_renewal_rate: -1 },
        { quota_max: 900, quota_renewal_rate: 60 },
      ],
      expected: { quotaMax: -1 },
    },
    {
      name: 'on a quota tie the earlier policy stays',
      policies: [
        { quota_max: 100, quota_renewal_rate: 60 },
        { quota_max: 100, quota_renewal_rate: 3600 },
      ],
      expected: { quotaRenewalRate: 60 },
    },
    { name: 'an inactive policy makes the key inactive', policies: [{}, { is_inactive: true }], expected: { active: false } },
    { name: 'active policies keep it active', policies: [{}, {}], expected: { active: true } },
    {
      name: 'tags are the union, in order, without repeats',
      policies: [{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }],
      expected: { tags: ['own', 'a', 'b', 'c'] },
    },
  ];

  it.each(cases)('$name', ({ policies, expected }) => {
    const applied = policies.map((fields, index) => policy(`p${index}`, { access_rights: right('api'), ...fields }));
    const result = combined(session({ apply_policies: applied.map((p) => p.id), tags: ['own'], rate: 1, per: 1 }), ...applied);
    expect(result).toMatchObject(expected);
    expect(result.policyIds).toEqual(applied.map((p) => p.id));
  });

  it("uses the session's own fields when it applies no policy", () => {
    const own = combined(session({ rate: 7, per: 2, quota_max: 30, quota_renewal_rate: 10, access_rights: right('api'), is_inactive: true, tags: ['x'] }));
    expect(own).toMatchObject({ active: false, rate: 7, per: 2, quotaMax: 30, quotaRenewalRate: 10, tags: ['x'], policyIds: [] });
    expect([...own.accessRights.keys()]).toEqual(['api']);
  });

  it('ignores a policy named twice', () => {
    const gold = policy('gold', { access_rights: right('api') });
    expect(combined(session({ apply_policies: ['gold', 'gold'] }), gold).policyIds).toEqual(['gold']);
  });
});

describe('combinePolicies: access rights', () => {
  it('is the union per API', () => {
    const rights = combined(
      session({ apply_policies: ['a', 'b'] }),
      policy('a', { access_rights: right('one') }),
      policy('b', { access_rights: right('two') }),
    ).accessRights;
    expect([...rights.keys()].sort()).toEqual(['one', 'two']);
  });

  it("merges one API's allowed URLs by URL, methods unioned, and its versions", () => {
    const a = policy('a', { access_rights: right('api', { versions: ['v1'], allowed_urls: [{ url: '/users', methods: ['GET'] }] }) });
    const b = policy('b', {
      access_rights: right('api', {
        versions: ['v2', 'v1'],
        allowed_urls: [
          { url: '/users', methods: ['POST', 'GET'] },
          { url: '/orders', methods: ['GET'] },
        ],
      }),
    });
    const api = combined(session({ apply_policies: ['a', 'b'] }), a, b).accessRights.get('api')!;
    expect(api.versions).toEqual(['v1', 'v2']);
    expect(api.allowedUrls.map((u) => [u.pattern.source, [...u.methods].sort()])).toEqual([
      ['^\\/users', ['GET', 'POST']],
      ['^\\/orders', ['GET']],
    ]);
  });

  it('does not let an unrestricted entry widen a restricted one (Tyk appends the lists)', () => {
    const open = policy('open', { access_rights: right('api') });
    const narrow = policy('narrow', { access_rights: right('api', { allowed_urls: [{ url: '/x', methods: ['GET'] }] }) });
    expect(combined(session({ apply_policies: ['open', 'narrow'] }), open, narrow).accessRights.get('api')!.allowedUrls).toHaveLength(1);
  });

  it('compiles patterns anchored at the start; one that does not compile matches nothing', () => {
    expect(compilePattern('/users').test('/users/7')).toBe(true);
    expect(compilePattern('/users').test('/admin/users')).toBe(false);
    expect(compilePattern('^/a$').test('/a')).toBe(true);
    expect(compilePattern('/broken[').test('/broken[')).toBe(false);
  });
});

describe('combinePolicies: refusals and partitions', () => {
  it('refuses a key whose policy does not exist (deleted, say)', () => {
    const result = combinePolicies(session({ apply_policies: ['gone'] }), new Map());
    expect(result).toEqual({ ok: false, reason: 'policy_not_found', policyId: 'gone' });
  });

  it('refuses a policy of another organisation', () => {
    const foreign = policy('foreign', { org_id: 'org-b', access_rights: right('api') });
    expect(combinePolicies(session({ org_id: 'org-a', apply_policies: ['foreign'] }), new Map([['foreign', foreign]]))).toMatchObject({
      ok: false,
      reason: 'policy_of_other_org',
    });
  });

  it('applies only the enabled partitions, the rest from the session', () => {
    const acl = policy('acl', { access_rights: right('api'), rate: 1000, per: 1, partitions: { acl: true } });
    const quota = policy('quota', { quota_max: 50, quota_renewal_rate: 60, rate: 1000, per: 1, partitions: { quota: true } });
    const result = combined(session({ apply_policies: ['acl', 'quota'], rate: 2, per: 1, quota_max: 5 }), acl, quota);
    expect(result).toMatchObject({ rate: 2, per: 1, quotaMax: 50, quotaRenewalRate: 60 });
    expect([...result.accessRights.keys()]).toEqual(['api']);
  });

  it('refuses when partitioned policies leave the ACL unset', () => {
    const rateOnly = policy('rate', { rate: 10, per: 1, partitions: { rate_limit: true } });
    expect(combinePolicies(session({ apply_policies: ['rate'] }), new Map([['rate', rateOnly]]))).toEqual({ ok: false, reason: 'no_acl_policy' });
  });
});

describe("combinePolicies: per-API limits (Tyk's access_rights.<api>.limit)", () => {
  it('gives an API with a limit its own, and leaves the other APIs on the key-wide limit', () => {
    const p = policy('p', {
      rate: 100,
      per: 60,
      quota_max: 1000,
      quota_renewal_rate: 3600,
      access_rights: { ...right('a', { limit: { rate: 2, per: 60, quota_max: 5, quota_renewal_rate: 60 } }), ...right('b') },
    });
    const rights = combined(session({ apply_policies: ['p'] }), p);
    expect(rights.accessRights.get('a')!.limit).toEqual({ rate: 2, per: 60, quotaMax: 5, quotaRenewalRate: 60 });
    expect(rights.accessRights.get('b')!.limit).toBeNull();
    expect(rights).toMatchObject({ rate: 100, per: 60, quotaMax: 1000 });
  });

  it('an empty limit (all zero) is no limit; a segment the limit leaves out is the key-wide one', () => {
    const empty = policy('e', { rate: 10, per: 1, access_rights: right('a', { limit: { rate: 0, per: 0, quota_max: 0, quota_renewal_rate: 0 } }) });
    expect(combined(session({ apply_policies: ['e'] }), empty).accessRights.get('a')!.limit).toBeNull();
    const rateOnly = policy('r', { rate: 10, per: 1, quota_max: 50, quota_renewal_rate: 60, access_rights: right('a', { limit: { rate: 1, per: 1 } }) });
    expect(combined(session({ apply_policies: ['r'] }), rateOnly).accessRights.get('a')!.limit).toEqual({
      rate: 1,
      per: 1,
      quotaMax: 50,
      quotaRenewalRate: 60,
    });
  });

  it('several policies limiting one API: the higher allowance and the higher quota; partitions.per_api makes the policy-wide limit per API', () => {
    const low = policy('low', { access_rights: right('a', { limit: { rate: 1, per: 1, quota_max: 100, quota_renewal_rate: 60 } }) });
    const high = policy('high', { access_rights: right('a', { limit: { rate: 10, per: 1, quota_max: 10, quota_renewal_rate: 60 } }) });
    expect(combined(session({ apply_policies: ['low', 'high'] }), low, high).accessRights.get('a')!.limit).toEqual({
      rate: 10,
      per: 1,
      quotaMax: 100,
      quotaRenewalRate: 60,
    });
    const perApi = policy('per', { rate: 3, per: 1, partitions: { per_api: true }, access_rights: { ...right('a'), ...right('b') } });
    const rights = combined(session({ apply_policies: ['per'] }), perApi);
    expect(rights.accessRights.get('a')!.limit).toMatchObject({ rate: 3, per: 1 });
    expect(rights.accessRights.get('b')!.limit).toMatchObject({ rate: 3, per: 1 });
  });

  it("a key's own access rights may carry a per-API limit too", () => {
    const rights = combined(session({ rate: 100, per: 1, access_rights: right('a', { limit: { rate: 1, per: 1 } }) }));
    expect(rights.accessRights.get('a')!.limit).toMatchObject({ rate: 1, per: 1 });
  });
});
