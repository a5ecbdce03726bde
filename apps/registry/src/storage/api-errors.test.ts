import { PortcullisError } from '@portcullis/errors';
import { QueryFailedError } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { conflictFromUniqueViolation } from './api-errors.js';

const definition = {
  api_id: 'orders',
  domain: '',
  proxy: { listen_path: '/orders/', target_url: 'http://u', strip_listen_path: false, preserve_host_header: false },
};

function pgError(code: string, constraint?: string): QueryFailedError {
  return new QueryFailedError('INSERT ...', [], Object.assign(new Error('duplicate key value violates unique constraint'), { code, constraint }));
}

describe('conflictFromUniqueViolation', () => {
  it('maps a route key collision to a 409 naming proxy.listen_path', () => {
    const mapped = conflictFromUniqueViolation(pgError('23505', 'api_definitions_route_key_key'), definition);
    expect(mapped).toBeInstanceOf(PortcullisError);
    expect(mapped!.status).toBe(409);
    expect(mapped!.toBody()).toMatchObject({ error: 'conflict', details: [{ field: 'proxy.listen_path' }] });
    expect(mapped!.details![0]!.message).toContain('/orders/');
  });

  it('maps a primary key collision to a 409 naming api_id', () => {
    const mapped = conflictFromUniqueViolation(pgError('23505', 'api_definitions_pkey'), definition);
    expect(mapped!.toBody()).toMatchObject({ error: 'conflict', details: [{ field: 'api_id' }] });
  });

  it("leaves other database errors alone (they are not the caller's fault)", () => {
    expect(conflictFromUniqueViolation(pgError('23502'), definition)).toBeUndefined();
    expect(conflictFromUniqueViolation(pgError('23505', 'some_other_index'), definition)).toBeUndefined();
    expect(conflictFromUniqueViolation(new Error('connection reset'), definition)).toBeUndefined();
    expect(conflictFromUniqueViolation(undefined, definition)).toBeUndefined();
  });
});
