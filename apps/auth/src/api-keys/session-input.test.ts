import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { expiryOf, prepareSession, withPolicyExpiry } from './session-input.js';

function problems(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PortcullisError && error.code === 'validation_failed') return [...(error.details ?? [])];
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('prepareSession', () => {
  it('validates with the domain schema and reports every bad field', () => {
    const fields = problems(() => prepareSession({ rate: 'x', quota_max: -5, apply_policies: 'p' }, false)).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['rate', 'quota_max', 'apply_policies']));
    expect(problems(() => prepareSession([], false))).toEqual([{ field: '(body)', message: 'must be a JSON object' }]);
  });

  it('a plain key: defaults filled, kind key', () => {
    const prepared = prepareSession({ rate: 10, per: 60 }, false);
    expect(prepared.kind).toBe('key');
    expect(prepared.session).toMatchObject({ rate: 10, per: 60, quota_max: -1, hmac_enabled: false });
  });

  it('takes the password out of a basic-auth session and shows only the hash type', () => {
    const prepared = prepareSession({ basic_auth_data: { password: 's3cret!' }, meta_data: { a: 1 } }, false);
    expect(prepared).toMatchObject({ kind: 'basic', password: 's3cret!' });
    expect(prepared.session.basic_auth_data).toEqual({ hash_type: 'scrypt' });
    expect(JSON.stringify(prepared.session)).not.toContain('s3cret!');
  });

  it('an update echoing what GET showed keeps the stored password', () => {
    const prepared = prepareSession({ basic_auth_data: { hash_type: 'scrypt' }, rate: 5, per: 1 }, true);
    expect(prepared).toMatchObject({ kind: 'basic', password: undefined });
    expect(prepareSession({ rate: 5, per: 1 }, true).kind).toBe('basic');
    expect(prepareSession({ basic_auth_data: { password: 'new-one' } }, true).password).toBe('new-one');
  });

  it('never stores a submitted hmac_string; HMAC keys are kind hmac', () => {
    const prepared = prepareSession({ hmac_enabled: true, hmac_string: 'chosen-secret' }, false);
    expect(prepared.kind).toBe('hmac');
    expect(prepared.session).not.toHaveProperty('hmac_string');
  });

  it('refuses a key that is both basic auth and HMAC', () => {
    expect(problems(() => prepareSession({ hmac_enabled: true, basic_auth_data: { password: 'x' } }, false)).map((p) => p.field)).toEqual(['hmac_enabled']);
    expect(problems(() => prepareSession({ hmac_enabled: true }, true)).map((p) => p.field)).toEqual(['hmac_enabled']);
  });
});

describe('withPolicyExpiry', () => {
  const now = 1_800_000_000;
  const withPolicies = prepareSession({ apply_policies: ['gold'] }, false).session;

  it("sets expires from the policies' key_expires_in when the session sets none", () => {
    expect(withPolicyExpiry(withPolicies, 3600, now).expires).toBe(now + 3600);
    expect(expiryOf(withPolicyExpiry(withPolicies, 3600, now))).toEqual(new Date((now + 3600) * 1000));
  });

  it('leaves a session alone that has its own expiry, no policies, or no key_expires_in', () => {
    expect(withPolicyExpiry({ ...withPolicies, expires: now + 5 }, 3600, now).expires).toBe(now + 5);
    expect(withPolicyExpiry(prepareSession({}, false).session, 3600, now).expires).toBe(0);
    expect(withPolicyExpiry(withPolicies, undefined, now).expires).toBe(0);
    expect(withPolicyExpiry(withPolicies, 0, now).expires).toBe(0);
    expect(expiryOf(withPolicies)).toBeNull();
  });

  it('refuses a key_expires_in that is not a non-negative integer', () => {
    expect(problems(() => withPolicyExpiry(withPolicies, -1, now)).map((p) => p.field)).toEqual(['key_expires_in']);
    expect(problems(() => withPolicyExpiry(withPolicies, '60', now)).map((p) => p.field)).toEqual(['key_expires_in']);
  });
});
