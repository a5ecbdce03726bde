import { describe, expect, it } from 'vitest';
import { MAX_BUCKETS, parseUsageQuery } from './usage-query.js';

const now = new Date('2025-03-01T12:00:00.000Z');

function fields(raw: Record<string, unknown>): string[] {
  const result = parseUsageQuery(raw, now);
  if (result.ok) throw new Error('expected the query to be refused');
  return result.errors.map((e) => e.field);
}

describe('parseUsageQuery', () => {
  it('defaults to the last 24 hours by hour', () => {
    expect(parseUsageQuery({}, now)).toEqual({
      ok: true,
      value: {
        from: new Date('2025-02-28T12:00:00.000Z'),
        to: now,
        bucket: 'hour',
        apiId: undefined,
        identity: undefined,
        oauthClientId: undefined,
        endpoint: undefined,
        groupBy: undefined,
      },
    });
  });

  it('takes ISO date-times and epoch milliseconds, filters and a grouping', () => {
    const result = parseUsageQuery(
      {
        from: '2025-03-01T10:00:00Z',
        to: String(Date.parse('2025-03-01T11:00:00Z')),
        bucket: 'minute',
        api_id: 'a1',
        identity: 'h',
        oauth_client_id: 'c',
        endpoint: 'GET /users/{id}',
        group_by: 'endpoint',
      },
      now,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        from: new Date('2025-03-01T10:00:00Z'),
        to: new Date('2025-03-01T11:00:00Z'),
        bucket: 'minute',
        apiId: 'a1',
        identity: 'h',
        oauthClientId: 'c',
        endpoint: 'GET /users/{id}',
        groupBy: 'endpoint',
      },
    });
  });

  it('names each bad parameter', () => {
    expect(fields({ from: 'yesterday', bucket: 'week', group_by: 'colour' })).toEqual(['from', 'bucket', 'group_by']);
    expect(fields({ to: '2025-13-45T00:00:00Z' })).toEqual(['to']);
    expect(fields({ api_id: '' })).toEqual(['api_id']);
    expect(fields({ endpoint: '' })).toEqual(['endpoint']);
    expect(fields({ endpoint: `GET /${'x'.repeat(512)}` })).toEqual(['endpoint']);
  });

  it('refuses unknown and repeated parameters', () => {
    expect(fields({ bukket: 'hour' })).toEqual(['bukket']);
    expect(fields({ api_id: ['a', 'b'] })).toEqual(['api_id']);
  });

  it('refuses an empty or inverted range', () => {
    expect(fields({ from: '2025-03-01T10:00:00Z', to: '2025-03-01T10:00:00Z' })).toEqual(['from']);
    expect(fields({ from: '2025-03-01T11:00:00Z', to: '2025-03-01T10:00:00Z' })).toEqual(['from']);
  });

  it('refuses a range of more than MAX_BUCKETS buckets, and allows exactly that many', () => {
    const from = Date.parse('2025-01-01T00:00:00Z');
    expect(parseUsageQuery({ from: String(from), to: String(from + MAX_BUCKETS * 60_000), bucket: 'minute' }, now).ok).toBe(true);
    expect(fields({ from: String(from), to: String(from + MAX_BUCKETS * 60_000 + 1), bucket: 'minute' })).toEqual(['bucket']);
    // A week by minute is refused, the same week by hour is fine.
    expect(fields({ from: '2025-01-01T00:00:00Z', to: '2025-01-08T00:00:00Z', bucket: 'minute' })).toEqual(['bucket']);
    expect(parseUsageQuery({ from: '2025-01-01T00:00:00Z', to: '2025-01-08T00:00:00Z', bucket: 'hour' }, now).ok).toBe(true);
  });
});
