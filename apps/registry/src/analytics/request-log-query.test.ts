import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_LOGS, parseRequestLogQuery } from './request-log-query.js';

const now = new Date('2025-03-01T12:00:00.000Z');

function fields(raw: Record<string, unknown>): string[] {
  const result = parseRequestLogQuery(raw, now);
  if (result.ok) throw new Error('expected the query to be refused');
  return result.errors.map((e) => e.field).sort();
}

describe('parseRequestLogQuery', () => {
  it('defaults to the newest 100 of the last hour', () => {
    expect(parseRequestLogQuery({}, now)).toEqual({
      ok: true,
      value: { from: new Date('2025-03-01T11:00:00.000Z'), to: now, limit: 100, apiId: undefined, identity: undefined, oauthClientId: undefined },
    });
  });

  it('takes a range, a limit and filters', () => {
    const result = parseRequestLogQuery({ from: '2025-03-01T10:00:00Z', limit: '5', api_id: 'a', identity: 'h', oauth_client_id: 'c' }, now);
    expect(result).toMatchObject({ ok: true, value: { from: new Date('2025-03-01T10:00:00Z'), limit: 5, apiId: 'a', identity: 'h', oauthClientId: 'c' } });
  });

  it('names every bad parameter', () => {
    expect(fields({ limit: '0', from: 'soon', colour: 'red' })).toEqual(['colour', 'from', 'limit']);
    expect(fields({ limit: String(MAX_REQUEST_LOGS + 1) })).toEqual(['limit']);
    expect(fields({ limit: '2.5' })).toEqual(['limit']);
    expect(fields({ identity: '' })).toEqual(['identity']);
    expect(fields({ api_id: ['a', 'b'] })).toEqual(['api_id']);
    expect(fields({ from: '2025-03-01T12:00:00Z', to: '2025-03-01T11:00:00Z' })).toEqual(['from']);
  });
});
