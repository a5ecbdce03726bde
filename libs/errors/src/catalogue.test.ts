import { describe, expect, it } from 'vitest';
import { errorBody, errorCatalogue, isErrorCode, PortcullisError } from './catalogue.js';

describe('error catalogue', () => {
  it('gives every code a 4xx or 5xx status and a message', () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(entry.message.length, code).toBeGreaterThan(0);
    }
  });

  it('shapes a body with the code, the default message and only non-empty details', () => {
    expect(errorBody('api_not_found')).toEqual({ error: 'api_not_found', message: 'No API matches this request' });
    expect(errorBody('validation_failed', 'bad', [])).toEqual({ error: 'validation_failed', message: 'bad' });
    expect(errorBody('validation_failed', undefined, [{ field: 'name', message: 'Required' }]).details).toEqual([{ field: 'name', message: 'Required' }]);
  });

  it('carries status and body on a PortcullisError', () => {
    const error = new PortcullisError('conflict', 'listen path taken', [{ field: 'proxy.listen_path', message: 'taken' }]);
    expect(error.status).toBe(409);
    expect(error.toBody()).toEqual({
      error: 'conflict',
      message: 'listen path taken',
      details: [{ field: 'proxy.listen_path', message: 'taken' }],
    });
  });

  it('recognises only catalogue codes', () => {
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
