import { describe, expect, it } from 'vitest';
import { authEventSchemas, authRequestSchemas, authSubjects, keyRefRequestSchema, oauthTokenRequestSchema, quotaLeaseRequestSchema } from './auth.js';
import { checkPayload } from './payload.js';

/** The fields a payload is refused for; [] when it parses. */
function refused(schema: Parameters<typeof checkPayload>[0], payload: unknown): string[] {
  const checked = checkPayload(schema, payload);
  return checked.ok ? [] : checked.problems.map((problem) => problem.field);
}

describe('auth contracts', () => {
  it('give every request and event subject a schema', () => {
    const covered = [...Object.keys(authRequestSchemas), ...Object.keys(authEventSchemas)].sort();
    expect(covered).toEqual(Object.values(authSubjects).sort());
  });

  it('name the key reference that is no key, or no hash with hashed=true', () => {
    expect(refused(keyRefRequestSchema, { key: 'abc' })).toEqual([]);
    expect(refused(keyRefRequestSchema, { key: 'A'.repeat(64), hashed: true })).toEqual([]);
    expect(refused(keyRefRequestSchema, { key: 'abc', hashed: true })).toEqual(['key']);
    expect(refused(keyRefRequestSchema, {})).toEqual(['key']);
    expect(refused(keyRefRequestSchema, null)).toEqual(['key']);
    expect(refused(keyRefRequestSchema, { key: 'x'.repeat(1025) })).toEqual(['key']);
  });

  it('pass a well-formed lease request through and name every bad field of another at once', () => {
    const request = { identity: 'a'.repeat(64), units: 10, quota_max: 100, quota_renewal_rate: 3600 };
    expect(checkPayload(quotaLeaseRequestSchema, request)).toEqual({ ok: true, value: request });
    expect(refused(quotaLeaseRequestSchema, { ...request, quota_max: -1, quota_renewal_rate: -1 })).toEqual([]);
    expect(refused(quotaLeaseRequestSchema, { identity: '', units: 0, quota_max: 1.5, quota_renewal_rate: '60' })).toEqual([
      'identity',
      'units',
      'quota_max',
      'quota_renewal_rate',
    ]);
    expect(refused(quotaLeaseRequestSchema, { ...request, units: 1_000_001, identity: 'a'.repeat(513) })).toEqual(['identity', 'units']);
    expect(refused(quotaLeaseRequestSchema, null)).toEqual(['identity', 'units', 'quota_max', 'quota_renewal_rate']);
  });

  it('name each bad field of a token request a gateway forwards', () => {
    const request = { api_id: 'orders', body: 'grant_type=client_credentials', allowed_grant_types: ['client_credentials'], access_token_ttl: 60 };
    expect(refused(oauthTokenRequestSchema, request)).toEqual([]);
    expect(refused(oauthTokenRequestSchema, { ...request, notifications: { oauth_on_keychange_url: 'https://hooks.test/', shared_secret: 's' } })).toEqual([]);
    expect(
      refused(oauthTokenRequestSchema, {
        body: '',
        allowed_grant_types: 'client_credentials',
        refresh_token_ttl: 0,
        notifications: { oauth_on_keychange_url: 'ftp://hooks.test/', shared_secret: 's' },
      }).sort(),
    ).toEqual(['allowed_grant_types', 'api_id', 'notifications', 'refresh_token_ttl']);
    // A header the gateway could not read is absent, not an error.
    expect(checkPayload(oauthTokenRequestSchema, { ...request, authorization: 3 })).toMatchObject({ ok: true, value: { authorization: undefined } });
  });

  it.each([
    [authSubjects.authClientsGet, {}, ['client_id']],
    [authSubjects.authClientsUpdate, { client_id: '' }, ['client_id']],
    [authSubjects.authClientsDelete, { client_id: 7 }, ['client_id']],
    [authSubjects.authUsersDelete, null, ['id']],
    [authSubjects.authUsersUnlock, { id: '' }, ['id']],
    [authSubjects.authKeysLookup, { kind: 'carrier-pigeon', id: 'x' }, ['kind']],
    [authSubjects.authAuthorizeClient, { response_type: 'code', sub: '' }, ['api_id', 'sub']],
    [authSubjects.authAuthorizeClient, { api_id: 'orders', sub: 's'.repeat(257) }, ['sub']],
    [authSubjects.authOAuth1NoncesClaim, { consumer_key: 'c', token: '', timestamp: 1.5, nonce: 'n' }, ['timestamp']],
  ] as const)('refuse a malformed %s request, naming the field', (subject, payload, fields) => {
    expect(refused(authRequestSchemas[subject], payload)).toEqual(fields);
  });

  it.each([
    [authSubjects.authKeyChanged, { change: 'deleted' }, ['key_hash']],
    [authSubjects.authTokenRevoked, { jti: 'j', exp: 'soon' }, ['exp']],
    [authSubjects.authClientChanged, { client_id: 'c', change: 'renamed' }, ['change']],
    [authSubjects.authTokenIssued, { jti: 'j', client_id: 'c', sub: 's', exp: 1, api_ids: 'orders' }, ['api_ids']],
    [authSubjects.authKeysRotated, {}, ['kid']],
  ] as const)('refuse a malformed %s event, naming the field', (subject, payload, fields) => {
    expect(refused(authEventSchemas[subject], payload)).toEqual(fields);
  });
});
