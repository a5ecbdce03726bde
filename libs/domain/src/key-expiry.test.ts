import type { Policy } from './policy.js';
import { describe, expect, it } from 'vitest';
import { keyExpiresIn } from './key-expiry.js';

const policy = (id: string, key_expires_in: number) => [id, { id, key_expires_in } as Policy] as const;
const policies = new Map([policy('day', 86_400), policy('hour', 3_600), policy('forever', 0)]);

describe('keyExpiresIn', () => {
  it('takes the longest key_expires_in of the policies the session applies', () => {
    expect(keyExpiresIn({ apply_policies: ['hour'] }, policies)).toBe(3_600);
    expect(keyExpiresIn({ apply_policies: ['hour', 'day', 'forever'] }, policies)).toBe(86_400);
  });

  it('is undefined with no policies, unknown ones, ones without expiry, or a body that is not a session', () => {
    expect(keyExpiresIn({}, policies)).toBeUndefined();
    expect(keyExpiresIn({ apply_policies: ['nope', 'forever', 42] }, policies)).toBeUndefined();
    expect(keyExpiresIn({ apply_policies: 'day' }, policies)).toBeUndefined();
    expect(keyExpiresIn(null, policies)).toBeUndefined();
  });
});
