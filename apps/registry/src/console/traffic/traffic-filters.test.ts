import { describe, expect, it } from 'vitest';
import { filterNames, parseTrafficQuery } from './traffic-filters.js';

const now = new Date('2026-12-08T12:00:00Z');

describe('parseTrafficQuery', () => {
  it('reads a named range as from/to and its bucket, the last 24 hours by hour when none is named', () => {
    const day = parseTrafficQuery({}, now);
    expect(day.errors).toEqual([]);
    expect(day.form.range).toBe('24h');
    expect(day.query).toMatchObject({ bucket: 'hour', from: new Date('2026-12-07T12:00:00Z'), to: now });
    const hour = parseTrafficQuery({ range: '1h', api_id: 'orders' }, now);
    expect(hour.query).toMatchObject({ bucket: 'minute', from: new Date('2026-12-08T11:00:00Z'), to: now, apiId: 'orders' });
  });

  it('takes from/to/bucket as the usage API does, and leaves empty form fields out', () => {
    const custom = parseTrafficQuery(
      { range: '', from: '2026-12-01T00:00:00Z', to: '2026-12-03T00:00:00Z', bucket: 'day', identity: '', oauth_client_id: 'billing' },
      now,
    );
    expect(custom.errors).toEqual([]);
    expect(custom.query).toMatchObject({ bucket: 'day', oauthClientId: 'billing' });
    expect(custom.query?.identity).toBeUndefined();
  });

  it('refuses an absurd range with the usage API’s own message, and an unknown range by name', () => {
    const year = parseTrafficQuery({ from: '0', to: String(now.getTime()), bucket: 'minute' }, now);
    expect(year.query).toBeNull();
    expect(year.errors[0]).toMatchObject({ field: 'bucket' });
    expect(year.errors[0]!.message).toMatch(/at most 1500 are allowed/);
    expect(parseTrafficQuery({ range: 'forever' }, now).errors).toEqual([{ field: 'range', message: 'must be one of 1h, 6h, 24h, 7d, 30d, 90d' }]);
    expect(parseTrafficQuery({ range: '1h', colour: 'red' }, now).errors).toEqual([{ field: 'colour', message: 'is not a known parameter' }]);
    expect(parseTrafficQuery({ api_id: ['a', 'b'] }, now).errors).toEqual([{ field: 'api_id', message: 'must be given once' }]);
  });

  it('names the filters for the heading', () => {
    const { form } = parseTrafficQuery({ api_id: 'orders', identity: 'abc' }, now);
    expect(filterNames(form)).toEqual([
      { label: 'API', value: 'orders' },
      { label: 'Key (hash)', value: 'abc' },
    ]);
  });
});
