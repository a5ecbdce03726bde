import { subjects } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { describe, expect, it } from 'vitest';
import { eventPayload, requestPayload, warnOnce } from './payload.js';

describe('requestPayload', () => {
  it('returns the parsed request', () => {
    expect(requestPayload(subjects.registryApisGet, { api_id: 'orders', extra: 1 })).toEqual({ api_id: 'orders' });
  });

  it('refuses a malformed one with validation_failed (or the code given), naming each bad field', () => {
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error instanceof PortcullisError ? error.toBody() : error;
      }
      return 'accepted';
    };
    expect(refusal(() => requestPayload(subjects.authQuotaLease, { identity: 'k', units: 0 }))).toMatchObject({
      error: 'validation_failed',
      details: [{ field: 'units' }, { field: 'quota_max' }, { field: 'quota_renewal_rate' }],
    });
    expect(refusal(() => requestPayload(subjects.authClientsGet, null, 'request_invalid'))).toMatchObject({
      error: 'request_invalid',
      details: [{ field: 'client_id', message: 'is required' }],
    });
  });
});

describe('eventPayload', () => {
  it('returns a well-formed event without a word', () => {
    const warnings: string[] = [];
    expect(eventPayload(subjects.authKeyChanged, { key_hash: 'h', change: 'deleted' }, { warn: (m) => warnings.push(m) })).toEqual({
      key_hash: 'h',
      change: 'deleted',
    });
    expect(warnings).toEqual([]);
  });

  it('drops a malformed one with a warning naming the subject and the fields, never the values', () => {
    const warnings: string[] = [];
    expect(eventPayload(subjects.authTokenRevoked, { jti: 'secret-jti', exp: 'later' }, { warn: (m) => warnings.push(m) })).toBeUndefined();
    expect(warnings).toEqual(['ignored a malformed auth.token.revoked event (exp)']);
  });
});

describe('warnOnce', () => {
  it('passes on the first warning only', () => {
    const warnings: string[] = [];
    const logger = warnOnce({ warn: (m) => warnings.push(m) });
    logger.warn('first');
    logger.warn('second');
    expect(warnings).toEqual(['first']);
  });
});
