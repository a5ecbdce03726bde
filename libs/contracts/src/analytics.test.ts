import { describe, expect, it } from 'vitest';
import { analyticsEventSchemas, analyticsSubjects } from './analytics.js';
import { checkPayload } from './payload.js';

function refused(schema: Parameters<typeof checkPayload>[0], payload: unknown): string[] {
  const checked = checkPayload(schema, payload);
  return checked.ok ? [] : checked.problems.map((problem) => problem.field);
}

describe('analytics contracts', () => {
  it('give every subject a schema', () => {
    expect(Object.keys(analyticsEventSchemas).sort()).toEqual(Object.values(analyticsSubjects).sort());
  });

  it('refuse a malformed batch, naming the record field', () => {
    const record = {
      at: 1,
      api_id: 'orders',
      method: 'GET',
      path: '/',
      status: 200,
      upstream_ms: 1,
      total_ms: 2,
      bytes_in: 0,
      bytes_out: 10,
      auth_result: 'ok',
    };
    const schema = analyticsEventSchemas[analyticsSubjects.analyticsRecords];
    expect(refused(schema, { gateway_id: 'g1', batch_id: 'b1', records: [record] })).toEqual([]);
    expect(refused(schema, { gateway_id: 'g1', batch_id: 'b1', records: [{ ...record, auth_result: 'maybe', total_ms: -1 }] })).toEqual([
      'records.0.total_ms',
      'records.0.auth_result',
    ]);
  });
});
