/**
 * Analytics: what gateways publish on JetStream for the registry to store, with its subject and stream.
 * A batch carries one aggregation window of one gateway (counts, bytes and latency sketches per
 * dimension tuple) and the request logs the APIs asked for in that window.
 */
import { z } from 'zod';

export const analyticsSubjects = {
  /** JetStream subject: analytics batches (window aggregates and request logs), consumed durably by the registry. */
  analyticsRecords: 'analytics.records',
} as const;

/** The JetStream stream that keeps analytics batches until the registry has stored them. */
export const analyticsStream = { name: 'PORTCULLIS_ANALYTICS', durableConsumer: 'registry-analytics' } as const;

export type AnalyticsAuthResult = 'ok' | 'keyless' | 'missing' | 'invalid' | 'forbidden' | 'rate_limited' | 'quota_exceeded';
const authResults = ['ok', 'keyless', 'missing', 'invalid', 'forbidden', 'rate_limited', 'quota_exceeded'] as const;

/** One request, as the gateway sees it when it is done: aggregated always, kept as a request log on demand. */
export interface AnalyticsRecord {
  /** Milliseconds since the epoch. */
  at: number;
  api_id: string;
  /** The API version the request resolved to, when the API is versioned. */
  version?: string;
  /** SHA-256 of the identity (key hash, token subject): never the credential. */
  identity?: string;
  oauth_client_id?: string;
  /** The API's track_endpoints entry it matched (`GET /users/{id}`), never the raw path; absent when none. */
  endpoint?: string;
  method: string;
  path: string;
  status: number;
  upstream_ms: number;
  total_ms: number;
  bytes_in: number;
  bytes_out: number;
  auth_result: AnalyticsAuthResult;
}

/**
 * A latency sketch's bins: bin index → count. Bin i holds values in (γ^(i-1), γ^i] milliseconds,
 * γ = (1 + α) / (1 - α) with α the sketch's relative error (libs/analytics latency-sketch.ts).
 * Mergeable by adding counts per index.
 */
export type LatencyBins = Record<string, number>;

/** The requests of one window that share every dimension: their counts, bytes and latency sketches. */
export interface AnalyticsAggregate {
  api_id: string;
  version?: string;
  identity?: string;
  oauth_client_id?: string;
  /** The track_endpoints entry (method and path template) the requests matched; absent for requests matching none. */
  endpoint?: string;
  status: number;
  auth_result: AnalyticsAuthResult;
  count: number;
  bytes_in: number;
  bytes_out: number;
  /** Total (gateway) latency, milliseconds. */
  total_ms: LatencyBins;
  /** Upstream latency, milliseconds (0 when no upstream was called). */
  upstream_ms: LatencyBins;
}

export interface AnalyticsBatch {
  gateway_id: string;
  /**
   * Unique per (gateway, window, part): the registry stores a batch once even if JetStream
   * redelivers it or the gateway retries it after JetStream's duplicate window.
   */
  batch_id: string;
  /** The aggregation window this batch belongs to (start aligned to its length, ms since the epoch). */
  window?: { start: number; ms: number };
  /** Absent from gateways that predate window aggregation: their records are each one request. */
  aggregates?: AnalyticsAggregate[];
  /** Request logs: with `aggregates`, only those an API asked for; without, every request. */
  records: AnalyticsRecord[];
}

/** Analytics event subjects and their payloads. */
export interface AnalyticsEvents {
  [analyticsSubjects.analyticsRecords]: AnalyticsBatch;
}

// The bounds are the registry's: a batch is checked against them before it is stored, so one bad
// gateway cannot poison the tables (apps/registry/src/analytics/batch-schema.ts adds the cross-field rules).
const count = z.number().nonnegative();
/** A dimension's value (a version, a track_endpoints entry's name): bounded by the definition's validation (MAX_TRACKED_ENDPOINT_LENGTH). */
const dimension = z.string().min(1).max(512);
const status = z.int().min(0).max(999);
export const analyticsRecordSchema = z.object({
  at: z.int().positive(),
  api_id: z.string().min(1),
  version: dimension.optional(),
  identity: z.string().min(1).optional(),
  oauth_client_id: z.string().min(1).optional(),
  endpoint: dimension.optional(),
  method: z.string().min(1),
  path: z.string(),
  status,
  upstream_ms: count,
  total_ms: count,
  bytes_in: count,
  bytes_out: count,
  auth_result: z.enum(authResults),
}) satisfies z.ZodType<AnalyticsRecord>;

/** Bin indexes are small integers (about ±1 000 for 1 µs .. 1 h at 1 %); counts are positive integers. */
export const latencyBinsSchema = z.record(z.string().regex(/^-?\d{1,5}$/), z.int().positive()) satisfies z.ZodType<LatencyBins>;

export const analyticsAggregateSchema = z.object({
  api_id: z.string().min(1),
  version: dimension.optional(),
  identity: dimension.optional(),
  oauth_client_id: dimension.optional(),
  endpoint: dimension.optional(),
  status,
  auth_result: z.enum(authResults),
  count: z.int().positive(),
  bytes_in: count,
  bytes_out: count,
  total_ms: latencyBinsSchema,
  upstream_ms: latencyBinsSchema,
}) satisfies z.ZodType<AnalyticsAggregate>;

/** The payload schemas of the analytics subjects. */
export const analyticsEventSchemas = {
  [analyticsSubjects.analyticsRecords]: z.object({
    gateway_id: z.string().min(1),
    batch_id: z.string().min(1).max(300),
    window: z.object({ start: z.int().positive(), ms: z.int().positive() }).optional(),
    aggregates: z.array(analyticsAggregateSchema).optional(),
    records: z.array(analyticsRecordSchema),
  }),
} satisfies { [K in keyof AnalyticsEvents]: z.ZodType<AnalyticsEvents[K]> };
