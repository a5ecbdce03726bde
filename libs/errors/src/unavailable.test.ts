import { describe, expect, it } from 'vitest';
import { isBackendUnavailable } from './unavailable.js';

function coded(code: string, message = 'x'): Error {
  return Object.assign(new Error(message), { code });
}

describe('isBackendUnavailable', () => {
  it.each([
    ['a refused connection', coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a reset connection', coded('ECONNRESET')],
    ['pg losing its connection', new Error('Connection terminated unexpectedly')],
    ['pg timing out a connect', new Error('timeout exceeded when trying to connect')],
    ['a closed pool', new Error('Cannot use a pool after calling end on the pool')],
    ['an administrator shutdown (57P01)', coded('57P01', 'terminating connection due to administrator command')],
    ['a server starting up (57P03)', coded('57P03')],
    ['a connection exception (class 08)', coded('08006')],
    [
      'TypeORM wrapping a driver error',
      Object.assign(new Error('Connection terminated unexpectedly'), { driverError: new Error('Connection terminated unexpectedly') }),
    ],
    ['TypeORM wrapping a coded driver error', Object.assign(new Error('query failed'), { driverError: coded('57P01') })],
    ['an AggregateError of refused addresses', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], '')],
  ])('recognises %s', (_case, error) => {
    expect(isBackendUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', coded('23505', 'duplicate key value violates unique constraint')],
    ['invalid byte sequence (a NUL)', coded('22021', 'invalid byte sequence for encoding "UTF8": 0x00')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
  ])('does not take %s for an outage', (_case, error) => {
    expect(isBackendUnavailable(error)).toBe(false);
  });

  it('stops on an error that is its own cause', () => {
    const looped = new Error('x') as Error & { cause?: unknown };
    looped.cause = { cause: looped };
    expect(isBackendUnavailable(looped)).toBe(false);
  });
});
