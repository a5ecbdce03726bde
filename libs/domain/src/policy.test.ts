import { describe, expect, it } from 'vitest';
import { validatePolicy, validateSession } from './policy.js';

describe('validatePolicy', () => {
  it("takes a Tyk policies.json entry and fills Tyk's defaults", () => {
    const result = validatePolicy({
      id: 'openApi',
      name: 'Open API',
      rate: 100,
      per: 60,
      quota_max: 1000,
      quota_renewal_rate: 3600,
      access_rights: { openApi: { api_id: 'openApi', api_name: 'Open', versions: ['Default'], allowed_urls: [{ url: '/users', methods: ['GET'] }] } },
      partitions: { quota: false },
    });
    expect(result.ok && result.value).toMatchObject({
      id: 'openApi',
      rate: 100,
      per: 60,
      is_inactive: false,
      key_expires_in: 0,
      tags: [],
      partitions: { quota: false },
      access_rights: { openApi: { allowed_urls: [{ url: '/users', methods: ['GET'] }] } },
    });
  });

  it('collects every problem', () => {
    const result = validatePolicy({
      name: 42,
      rate: 5,
      per: 0,
      quota_max: 'lots',
      access_rights: { a: { api_id: 'b', allowed_urls: [{ url: '/x', methods: ['get'] }] } },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field).sort()).toEqual(['access_rights.a.allowed_urls.0.methods.0', 'name', 'quota_max']);
  });

  it('checks rate/per and the access-rights keys once the fields are well-typed', () => {
    const result = validatePolicy({ name: 'p', rate: 5, per: 0, access_rights: { a: { api_id: 'b' } } });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.field).sort()).toEqual(['access_rights.a.api_id', 'per']);
  });
});

describe('validateSession', () => {
  it('accepts a key that applies policies, with defaults', () => {
    const result = validateSession({ apply_policies: ['openApi'], meta_data: { team: 'x' } });
    expect(result.ok && result.value).toMatchObject({ apply_policies: ['openApi'], expires: 0, rate: 0, quota_max: -1, hmac_enabled: false });
  });
  it('refuses wrong types', () => {
    expect(validateSession({ expires: 'tomorrow' }).ok).toBe(false);
    expect(validateSession(null).ok).toBe(false);
  });
});
