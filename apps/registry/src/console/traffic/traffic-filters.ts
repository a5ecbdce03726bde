import type { ErrorDetail } from '@portcullis/errors';
import { parseUsageQuery, type BucketSize, type UsageQuery } from '../../analytics/usage-query.js';

/** The ranges the traffic page offers, each with the bucket its chart reads by. */
export const trafficRanges = {
  '1h': { label: 'Last hour', spanMs: 3_600_000, bucket: 'minute' },
  '6h': { label: 'Last 6 hours', spanMs: 6 * 3_600_000, bucket: 'minute' },
  '24h': { label: 'Last 24 hours', spanMs: 24 * 3_600_000, bucket: 'hour' },
  '7d': { label: 'Last 7 days', spanMs: 7 * 86_400_000, bucket: 'hour' },
  '30d': { label: 'Last 30 days', spanMs: 30 * 86_400_000, bucket: 'day' },
  '90d': { label: 'Last 90 days', spanMs: 90 * 86_400_000, bucket: 'day' },
} as const satisfies Record<string, { label: string; spanMs: number; bucket: BucketSize }>;

export type TrafficRange = keyof typeof trafficRanges;

/** The last day by hour, as the overview and an item's page show it (the `24h` range). */
export function lastDay(now: Date): Pick<UsageQuery, 'from' | 'to' | 'bucket'> {
  const range = trafficRanges['24h'];
  return { from: new Date(now.getTime() - range.spanMs), to: now, bucket: range.bucket };
}
export const DEFAULT_TRAFFIC_RANGE: TrafficRange = '24h';

/** What the page's filter form holds, as sent (to fill the form again). */
export interface TrafficForm {
  range: string;
  from: string;
  to: string;
  bucket: string;
  api_id: string;
  identity: string;
  oauth_client_id: string;
}

const FILTERS = ['api_id', 'identity', 'oauth_client_id'] as const;

/**
 * The traffic page's query: a named range (`range=7d`), or `from`/`to`/`bucket` as the usage API
 * takes them, and the usage API's filters. Checked by the usage API's own rules (the same messages,
 * the same limit on buckets), so an absurd range is refused here exactly as there.
 */
export function parseTrafficQuery(raw: Record<string, unknown>, now = new Date()): { form: TrafficForm; query: UsageQuery | null; errors: ErrorDetail[] } {
  const text = (name: string) => (typeof raw[name] === 'string' ? (raw[name] as string) : '');
  const form: TrafficForm = {
    range: text('range'),
    from: text('from'),
    to: text('to'),
    bucket: text('bucket'),
    api_id: text('api_id'),
    identity: text('identity'),
    oauth_client_id: text('oauth_client_id'),
  };
  const usage: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    // Empty fields of the form are "not given"; `range` is the page's own.
    if (name === 'range' || value === '') continue;
    usage[name] = value;
  }
  const custom = usage['from'] !== undefined || usage['to'] !== undefined;
  if (!custom) {
    const rangeName = (form.range || DEFAULT_TRAFFIC_RANGE) as TrafficRange;
    const range = trafficRanges[rangeName];
    if (!range) return { form, query: null, errors: [{ field: 'range', message: `must be one of ${Object.keys(trafficRanges).join(', ')}` }] };
    form.range = rangeName;
    usage['from'] = String(now.getTime() - range.spanMs);
    usage['to'] = String(now.getTime());
    usage['bucket'] ??= range.bucket;
  }
  const parsed = parseUsageQuery(usage, now);
  return parsed.ok ? { form, query: parsed.value, errors: [] } : { form, query: null, errors: parsed.errors };
}

/** The filters a query names, for the page's heading. */
export function filterNames(form: TrafficForm): { label: string; value: string }[] {
  const labels: Record<(typeof FILTERS)[number], string> = { api_id: 'API', identity: 'Key (hash)', oauth_client_id: 'OAuth client' };
  return FILTERS.filter((name) => form[name] !== '').map((name) => ({ label: labels[name], value: form[name] }));
}
