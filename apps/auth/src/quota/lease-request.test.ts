import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { checkLeaseRequest } from './lease-request.js';

describe('checkLeaseRequest', () => {
  it('passes a well-formed request through', () => {
    const request = { identity: 'a'.repeat(64), units: 10, quota_max: 100, quota_renewal_rate: 3600 };
    expect(checkLeaseRequest(request)).toEqual(request);
    expect(checkLeaseRequest({ ...request, quota_max: -1, quota_renewal_rate: -1 })).toMatchObject({ quota_max: -1, quota_renewal_rate: -1 });
  });

  it('names every bad field at once', () => {
    try {
      checkLeaseRequest({ identity: '', units: 0, quota_max: 1.5, quota_renewal_rate: '60' as never });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PortcullisError);
      expect((error as PortcullisError).details?.map((d) => d.field)).toEqual(['identity', 'units', 'quota_max', 'quota_renewal_rate']);
    }
    expect(() => checkLeaseRequest(null)).toThrow(PortcullisError);
  });
});
