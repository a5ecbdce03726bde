import { Injectable } from '@nestjs/common';
import type { AnalyticsAggregate, AnalyticsRecord, LatencyBins } from '@portcullis/contracts';
import { qualifiedTable } from '@portcullis/database';
import { DataSource, type EntityManager } from 'typeorm';

export type StoreOutcome = 'stored' | 'duplicate';

/** What the usage report may group by. */
export type UsageGrouping = 'api' | 'identity' | 'oauth_client' | 'endpoint' | 'status_class';
export type RollupGranularity = 'minute' | 'hour' | 'day';

/** Which requests a usage report counts, and how it cuts them. */
export interface UsageFilter {
  from: Date;
  to: Date;
  bucket: RollupGranularity;
  apiId?: string | undefined;
  identity?: string | undefined;
  oauthClientId?: string | undefined;
  /** A tracked endpoint as the gateway names it (`GET /users/{id}`). */
  endpoint?: string | undefined;
  groupBy?: UsageGrouping | undefined;
}

/** One bucket (and group) of the usage report, as PostgreSQL returns it. */
export interface UsageRow {
  start_ms: number;
  grp: string | null;
  total: string;
  s2xx: string;
  s3xx: string;
  s4xx: string;
  s5xx: string;
  bytes_in: string;
  bytes_out: string;
}

/** One bucket's (and group's) merged latency bins. */
export interface UsageBinRow {
  start_ms: number;
  grp: string | null;
  kind: 'total' | 'upstream';
  bin: number;
  n: string;
}

/** Which request logs to list, newest first. */
export interface RequestLogFilter {
  from: Date;
  to: Date;
  limit: number;
  apiId?: string | undefined;
  identity?: string | undefined;
  oauthClientId?: string | undefined;
}

/** One request log as the admin API shows it. */
export interface RequestLogRow {
  at: string;
  api_id: string;
  version: string | null;
  identity: string | null;
  oauth_client_id: string | null;
  endpoint: string | null;
  method: string;
  path: string;
  status: number;
  upstream_ms: number;
  total_ms: number;
  bytes_in: number;
  bytes_out: number;
  auth_result: string;
}

/** A window's aggregates, as the ingest hands them over (a window from a batch, or records summed by the registry). */
export interface StoredWindow {
  start: number;
  aggregates: readonly AnalyticsAggregate[];
}

/** What one batch writes: its windows' aggregates into the rollups, its request logs into their table. */
export interface AnalyticsWrite {
  batchId: string;
  gatewayId: string;
  windows: readonly StoredWindow[];
  logs: readonly AnalyticsRecord[];
}

const granularities: readonly { table: string; unit: RollupGranularity; ms: number }[] = [
  { table: 'analytics_minutes', unit: 'minute', ms: 60_000 },
  { table: 'analytics_hours', unit: 'hour', ms: 3_600_000 },
  { table: 'analytics_days', unit: 'day', ms: 86_400_000 },
];
const rollupTable: Record<RollupGranularity, string> = { minute: 'analytics_minutes', hour: 'analytics_hours', day: 'analytics_days' };

const groupColumn: Record<UsageGrouping, string> = {
  api: 'api_id',
  identity: `NULLIF(identity, '')`,
  oauth_client: `NULLIF(oauth_client_id, '')`,
  endpoint: `NULLIF(endpoint, '')`,
  status_class: `(status / 100)::text || 'xx'`,
};

/** One rollup row being built in memory: aggregates of one bucket and tuple, summed. */
interface RollupRow {
  bucketStart: number;
  a: AnalyticsAggregate;
  requests: number;
  bytesIn: number;
  bytesOut: number;
  total: LatencyBins;
  upstream: LatencyBins;
}

/**
 * Analytics in PostgreSQL: window aggregates added into the minute, hour and day rollups, request
 * logs in their day partitions. A batch id commits in the same transaction as what it wrote, so a
 * batch delivered again (a lost ack, a gateway retry after JetStream's duplicate window) is
 * recognised and skipped: each request is counted exactly once.
 */
@Injectable()
export class AnalyticsStore {
  /** Day partitions known to exist (by their first millisecond): checked once per process. */
  private readonly partitions = new Set<number>();

  constructor(private readonly dataSource: DataSource) {}

  private table(name: string): string {
    return qualifiedTable(this.dataSource, name);
  }

  async storeBatch(write: AnalyticsWrite): Promise<StoreOutcome> {
    try {
      return await this.writeBatch(write);
    } catch (error) {
      // A partition this process made may have rolled back, or been dropped by another registry's retention.
      this.partitions.clear();
      throw error;
    }
  }

  private writeBatch(write: AnalyticsWrite): Promise<StoreOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const requests = write.windows.reduce((sum, w) => sum + w.aggregates.reduce((s, a) => s + a.count, 0), 0);
      const claimed = (await manager.query(
        `INSERT INTO ${this.table('analytics_batches')} (batch_id, gateway_id, record_count) VALUES ($1, $2, $3)
         ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id`,
        [write.batchId, write.gatewayId, requests],
      )) as unknown[];
      if (claimed.length === 0) return 'duplicate';
      for (const granularity of granularities) await this.addToRollup(manager, granularity.table, granularity.ms, write.windows);
      if (write.logs.length > 0) await this.insertLogs(manager, write.batchId, write.logs);
      return 'stored';
    });
  }

  /** One upsert per granularity: rows travel as arrays and unnest back; a row already there is added to. */
  private async addToRollup(manager: EntityManager, table: string, bucketMs: number, windows: readonly StoredWindow[]): Promise<void> {
    // Summed here first: one statement may not touch a row twice (a batch of old per-request records spans windows).
    const rows = new Map<string, RollupRow>();
    for (const window of windows) {
      const bucketStart = window.start - (window.start % bucketMs);
      for (const a of window.aggregates) {
        const key = `${bucketStart}\n${a.api_id}\n${a.version ?? ''}\n${a.identity ?? ''}\n${a.oauth_client_id ?? ''}\n${a.status}\n${a.auth_result}\n${a.endpoint ?? ''}`;
        const row = rows.get(key);
        if (row === undefined) {
          rows.set(key, {
            bucketStart,
            a,
            requests: a.count,
            bytesIn: a.bytes_in,
            bytesOut: a.bytes_out,
            total: { ...a.total_ms },
            upstream: { ...a.upstream_ms },
          });
          continue;
        }
        row.requests += a.count;
        row.bytesIn += a.bytes_in;
        row.bytesOut += a.bytes_out;
        addBins(row.total, a.total_ms);
        addBins(row.upstream, a.upstream_ms);
      }
    }
    if (rows.size === 0) return;
    const r = [...rows.values()];
    const t = this.table(table);
    await manager.query(
      `INSERT INTO ${t} AS t (bucket_start, api_id, version, identity, oauth_client_id, status, auth_result, endpoint, requests, bytes_in, bytes_out, total_ms, upstream_ms)
       SELECT to_timestamp(start_ms / 1000.0), api_id, version, identity, oauth_client_id, status, auth_result, endpoint, requests, bytes_in, bytes_out, total_ms::jsonb, upstream_ms::jsonb
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[], $12::text[], $13::text[])
         AS u(start_ms, api_id, version, identity, oauth_client_id, status, auth_result, requests, bytes_in, bytes_out, total_ms, upstream_ms, endpoint)
       ON CONFLICT (bucket_start, api_id, version, identity, oauth_client_id, status, auth_result, endpoint) DO UPDATE SET
         requests = t.requests + EXCLUDED.requests,
         bytes_in = t.bytes_in + EXCLUDED.bytes_in,
         bytes_out = t.bytes_out + EXCLUDED.bytes_out,
         total_ms = ${this.table('analytics_bins_merge')}(t.total_ms, EXCLUDED.total_ms),
         upstream_ms = ${this.table('analytics_bins_merge')}(t.upstream_ms, EXCLUDED.upstream_ms)`,
      [
        r.map((x) => x.bucketStart),
        r.map((x) => x.a.api_id),
        r.map((x) => x.a.version ?? ''),
        r.map((x) => x.a.identity ?? ''),
        r.map((x) => x.a.oauth_client_id ?? ''),
        r.map((x) => x.a.status),
        r.map((x) => x.a.auth_result),
        r.map((x) => x.requests),
        r.map((x) => Math.round(x.bytesIn)),
        r.map((x) => Math.round(x.bytesOut)),
        r.map((x) => JSON.stringify(x.total)),
        r.map((x) => JSON.stringify(x.upstream)),
        r.map((x) => x.a.endpoint ?? ''),
      ],
    );
  }

  private async insertLogs(manager: EntityManager, batchId: string, logs: readonly AnalyticsRecord[]): Promise<void> {
    for (const day of new Set(logs.map((log) => dayStart(log.at)))) await this.ensurePartition(day, manager);
    const r = logs;
    await manager.query(
      `INSERT INTO ${this.table('analytics_request_logs')}
         (at, api_id, version, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result, endpoint, batch_id)
       SELECT to_timestamp(at_ms / 1000.0), api_id, version, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result, endpoint, $15
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::smallint[],
                   $9::float8[], $10::float8[], $11::bigint[], $12::bigint[], $13::text[], $14::text[])
         AS t(at_ms, api_id, version, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result, endpoint)`,
      [
        r.map((x) => x.at),
        r.map((x) => x.api_id),
        r.map((x) => x.version ?? null),
        r.map((x) => x.identity ?? null),
        r.map((x) => x.oauth_client_id ?? null),
        r.map((x) => x.method),
        r.map((x) => x.path),
        r.map((x) => x.status),
        r.map((x) => x.upstream_ms),
        r.map((x) => x.total_ms),
        r.map((x) => Math.round(x.bytes_in)),
        r.map((x) => Math.round(x.bytes_out)),
        r.map((x) => x.auth_result),
        r.map((x) => x.endpoint ?? null),
        batchId,
      ],
    );
  }

  /** The request logs' partition for the UTC day starting at `day` (ms), created unless it exists. */
  async ensurePartition(day: number, manager: EntityManager | DataSource = this.dataSource): Promise<void> {
    if (this.partitions.has(day)) return;
    const name = partitionName(day);
    await manager.query(
      `CREATE TABLE IF NOT EXISTS ${this.table(name)} PARTITION OF ${this.table('analytics_request_logs')}
       FOR VALUES FROM ('${new Date(day).toISOString()}') TO ('${new Date(day + 86_400_000).toISOString()}')`,
    );
    this.partitions.add(day);
  }

  /** The request logs' partitions, by the day they hold (ms of its start). */
  async logPartitions(): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.relname AS name FROM pg_inherits i
       JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace
       WHERE p.relname = 'analytics_request_logs' AND n.nspname = $1`,
      [this.dataSource.driver.schema ?? 'public'],
    )) as { name: string }[];
    return rows.map((row) => partitionDay(row.name)).filter((day): day is number => day !== null);
  }

  /** Drops the request logs of one day, whole: no DELETE, no dead rows, no vacuum debt. */
  async dropPartition(day: number): Promise<void> {
    await this.dataSource.query(`DROP TABLE IF EXISTS ${this.table(partitionName(day))}`);
    this.partitions.delete(day);
  }

  /** Request logs in [from, to) matching the filter, newest first, at most `limit` (partitions outside the range are not read). */
  async requestLogs(filter: RequestLogFilter): Promise<RequestLogRow[]> {
    const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString()];
    const where = ['at >= $1::timestamptz', 'at < $2::timestamptz'];
    for (const [column, value] of [
      ['api_id', filter.apiId],
      ['identity', filter.identity],
      ['oauth_client_id', filter.oauthClientId],
    ] as const) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const rows = (await this.dataSource.query(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, api_id, version, identity, oauth_client_id, endpoint,
              method, path, status, upstream_ms, total_ms, bytes_in::float8 AS bytes_in, bytes_out::float8 AS bytes_out, auth_result
       FROM ${this.table('analytics_request_logs')} WHERE ${where.join(' AND ')}
       ORDER BY at DESC LIMIT ${Math.trunc(filter.limit)}`,
      params,
    )) as RequestLogRow[];
    return rows;
  }

  /** Deletes a rollup's rows older than `before`; returns how many. */
  async trimRollup(granularity: RollupGranularity, before: Date): Promise<number> {
    const result = (await this.dataSource.query(`DELETE FROM ${this.table(rollupTable[granularity])} WHERE bucket_start < $1`, [before.toISOString()])) as [
      unknown,
      number,
    ];
    return result[1] ?? 0;
  }

  /** Forgets batch ids stored before `before`: no redelivery can come that late (JetStream's max age). */
  async trimBatches(before: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table('analytics_batches')} WHERE stored_at < $1`, [before.toISOString()]);
  }

  /**
   * The usage report's rows: one per bucket (and group), only buckets with traffic, oldest first,
   * at most `limit`. Read from the rollup of the bucket's size when from and to fall on its
   * boundaries, else from the minutes (a minute counts where it starts). Buckets are cut in UTC.
   */
  async usageRows(filter: UsageFilter, limit: number): Promise<UsageRow[]> {
    const { sql, params } = this.usageSource(filter);
    return (await this.dataSource.query(
      `SELECT extract(epoch FROM date_trunc($3, bucket_start AT TIME ZONE 'UTC'))::float8 * 1000 AS start_ms,
              ${filter.groupBy ? groupColumn[filter.groupBy] : 'NULL::text'} AS grp,
              sum(requests)::text AS total,
              coalesce(sum(requests) FILTER (WHERE status BETWEEN 200 AND 299), 0)::text AS s2xx,
              coalesce(sum(requests) FILTER (WHERE status BETWEEN 300 AND 399), 0)::text AS s3xx,
              coalesce(sum(requests) FILTER (WHERE status BETWEEN 400 AND 499), 0)::text AS s4xx,
              coalesce(sum(requests) FILTER (WHERE status BETWEEN 500 AND 599), 0)::text AS s5xx,
              sum(bytes_in)::text AS bytes_in,
              sum(bytes_out)::text AS bytes_out
       FROM ${sql}
       GROUP BY 1, 2
       ORDER BY 1, 2 NULLS FIRST
       LIMIT ${Math.trunc(limit)}`,
      params,
    )) as UsageRow[];
  }

  /** The merged latency bins of every bucket (and group) `usageRows` answers, total and upstream. */
  async usageBins(filter: UsageFilter): Promise<UsageBinRow[]> {
    const { sql, params } = this.usageSource(filter);
    const group = filter.groupBy ? groupColumn[filter.groupBy] : 'NULL::text';
    const select = (kind: string, column: string) =>
      `SELECT extract(epoch FROM date_trunc($3, bucket_start AT TIME ZONE 'UTC'))::float8 * 1000 AS start_ms, ${group} AS grp,
              '${kind}' AS kind, b.key::int AS bin, sum(b.value::bigint)::text AS n
       FROM ${sql.replace(' WHERE ', `, jsonb_each_text(${column}) AS b WHERE `)}
       GROUP BY 1, 2, 3, 4`;
    return (await this.dataSource.query(`${select('total', 'total_ms')} UNION ALL ${select('upstream', 'upstream_ms')}`, params)) as UsageBinRow[];
  }

  private usageSource(filter: UsageFilter): { sql: string; params: unknown[] } {
    const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString(), filter.bucket];
    const where = ['bucket_start >= $1::timestamptz', 'bucket_start < $2::timestamptz'];
    const equals = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    equals('api_id', filter.apiId);
    equals('identity', filter.identity);
    equals('oauth_client_id', filter.oauthClientId);
    equals('endpoint', filter.endpoint);
    return { sql: `${this.table(rollupTable[sourceGranularity(filter)])} WHERE ${where.join(' AND ')}`, params };
  }
}

/**
 * The coarsest rollup that answers the query exactly: the bucket's own (or hours for days) when
 * from and to fall on its boundaries, else minutes.
 */
export function sourceGranularity(filter: Pick<UsageFilter, 'from' | 'to' | 'bucket'>): RollupGranularity {
  const aligned = (ms: number) => filter.from.getTime() % ms === 0 && filter.to.getTime() % ms === 0;
  if (filter.bucket === 'day' && aligned(86_400_000)) return 'day';
  if (filter.bucket !== 'minute' && aligned(3_600_000)) return 'hour';
  return 'minute';
}

function addBins(into: LatencyBins, from: LatencyBins): void {
  for (const bin in from) into[bin] = (into[bin] ?? 0) + from[bin]!;
}

function dayStart(ms: number): number {
  return ms - (((ms % 86_400_000) + 86_400_000) % 86_400_000);
}

/** analytics_request_logs_20261207 for the day starting 2026-12-07T00:00Z. */
function partitionName(day: number): string {
  return `analytics_request_logs_${new Date(day).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

function partitionDay(name: string): number | null {
  const match = /^analytics_request_logs_(\d{4})(\d{2})(\d{2})$/.exec(name);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

export { dayStart as utcDayStart };
