import { LATENCY_SKETCH_RELATIVE_ERROR } from '@portcullis/analytics';
import { groupings, MAX_BUCKETS } from './usage-query.js';

const count = { type: 'integer', minimum: 0 };
const percentileProperties = { p50: { type: 'number' }, p95: { type: 'number' }, p99: { type: 'number' } };
/** The sketch's stated error, where a reader of the document looks for it. */
const sketchNote =
  `from mergeable latency sketches, each within ±${LATENCY_SKETCH_RELATIVE_ERROR * 100} % of the latency of the request at that rank ` +
  '(nearest rank: the ⌈q·n⌉-th request by latency, no interpolation)';

/** The usage report's schema, inline in the operation (the document's shared components stay untouched). */
export const usageReportSchema = {
  type: 'object',
  required: ['from', 'to', 'bucket', 'group_by', 'buckets', 'truncated'],
  properties: {
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    bucket: { type: 'string', enum: ['minute', 'hour', 'day'] },
    group_by: { type: 'string', enum: [...groupings], nullable: true },
    truncated: { type: 'boolean', description: 'More than 10 000 rows matched; only the first are listed' },
    buckets: {
      type: 'array',
      description: 'Buckets with traffic only (UTC), oldest first; with group_by, one entry per bucket and group',
      items: {
        type: 'object',
        required: ['start', 'total', 'status', 'latency_ms', 'upstream_latency_ms', 'bytes_in', 'bytes_out'],
        properties: {
          start: { type: 'string', format: 'date-time' },
          group: { type: 'string', nullable: true, description: 'Present with group_by; null for records without that attribute' },
          total: count,
          status: { type: 'object', properties: { '2xx': count, '3xx': count, '4xx': count, '5xx': count } },
          latency_ms: {
            type: 'object',
            description: `Total (gateway) latency percentiles in milliseconds: ${sketchNote}`,
            properties: percentileProperties,
          },
          upstream_latency_ms: {
            type: 'object',
            description: `Upstream latency percentiles in milliseconds (0 for requests answered without the upstream): ${sketchNote}`,
            properties: percentileProperties,
          },
          bytes_in: count,
          bytes_out: count,
        },
      },
    },
  },
  example: {
    from: '2025-01-01T00:00:00.000Z',
    to: '2025-01-01T02:00:00.000Z',
    bucket: 'hour',
    group_by: 'status_class',
    truncated: false,
    buckets: [
      {
        start: '2025-01-01T00:00:00.000Z',
        group: '2xx',
        total: 120,
        status: { '2xx': 120, '3xx': 0, '4xx': 0, '5xx': 0 },
        latency_ms: { p50: 3.1, p95: 9.8, p99: 14.2 },
        upstream_latency_ms: { p50: 2.6, p95: 9.1, p99: 13.5 },
        bytes_in: 0,
        bytes_out: 48000,
      },
    ],
  },
};

export const usageQueryDocs = [
  {
    name: 'from',
    description:
      'Start (inclusive): ISO 8601 date-time or epoch milliseconds. Default: 24 hours before `to`. Traffic is counted by the minute it falls in (a minute counts where it starts); ranges on whole hours (days) are read from the hourly (daily) rollups, kept longer than the minutes',
  },
  { name: 'to', description: 'End (exclusive): ISO 8601 date-time or epoch milliseconds. Default: now' },
  { name: 'bucket', enum: ['minute', 'hour', 'day'], description: `Bucket size (default hour); at most ${MAX_BUCKETS} buckets per query` },
  { name: 'api_id', description: 'Only this API' },
  { name: 'identity', description: 'Only this identity (the SHA-256 hash the gateway records)' },
  { name: 'oauth_client_id', description: 'Only this OAuth client' },
  {
    name: 'endpoint',
    description:
      "Only this tracked endpoint, named as the API's track_endpoints entry: its method and path as written (`GET /users/{id}`), the path alone for an entry without a method. Requests matching no entry have none",
    example: 'GET /users/{id}',
  },
  {
    name: 'group_by',
    enum: [...groupings],
    description: 'Split each bucket by this attribute (`endpoint`: by tracked endpoint, null for requests matching none of the API’s track_endpoints)',
  },
];
