import { Injectable } from '@nestjs/common';
import type { AnalyticsBatch } from '@portcullis/contracts';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';

export type StoreOutcome = 'stored' | 'duplicate';

/** What the usage report may group by. */
export type UsageGrouping = 'api' | 'identity' | 'oauth_client' | 'status_class';

/** Which records a usage report counts, and how it cuts them. */
export interface UsageFilter {
  from: Date;
  to: Date;
  bucket: 'minute' | 'hour' | 'day';
  apiId?: string | undefined;
  identity?: string | undefined;
  oauthClientId?: string | undefined;
  groupBy?: UsageGrouping | undefined;
}

/** One bucket (and group) of the usage report, as PostgreSQL returns it. */
export interface UsageRow {
  start_ms: number;
  grp: string | null;
  total: number;
  s2xx: number;
  s3xx: number;
  s4xx: number;
  s5xx: number;
  p50: number;
  p95: number;
  bytes_in: string;
  bytes_out: string;
}

const groupColumn: Record<UsageGrouping, string> = {
  api: 'api_id',
  identity: 'identity',
  oauth_client: 'oauth_client_id',
  status_class: `(status / 100)::text || 'xx'`,
};

/**
 * Writes analytics batches. The batch id and its records commit together, so a batch delivered
 * again (a lost ack, a gateway retry after JetStream's duplicate window) is recognised and skipped:
 * each record is stored exactly once.
 */
@Injectable()
export class AnalyticsStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The usage report's rows: one per bucket (and group), only buckets with traffic, oldest first,
   * at most `limit`. Buckets are cut in UTC, whatever the session's time zone.
   */
  async usageRows(filter: UsageFilter, limit: number): Promise<UsageRow[]> {
    const params: unknown[] = [filter.from.toISOString(), filter.to.toISOString(), filter.bucket];
    const where = ['at >= $1::timestamptz', 'at < $2::timestamptz'];
    const equals = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    equals('api_id', filter.apiId);
    equals('identity', filter.identity);
    equals('oauth_client_id', filter.oauthClientId);
    const group = filter.groupBy ? groupColumn[filter.groupBy] : 'NULL::text';
    return (await this.dataSource.query(
      `SELECT extract(epoch FROM date_trunc($3, at AT TIME ZONE 'UTC'))::float8 * 1000 AS start_ms,
              ${group} AS grp,
              count(*)::int AS total,
              count(*) FILTER (WHERE status BETWEEN 200 AND 299)::int AS s2xx,
              count(*) FILTER (WHERE status BETWEEN 300 AND 399)::int AS s3xx,
              count(*) FILTER (WHERE status BETWEEN 400 AND 499)::int AS s4xx,
              count(*) FILTER (WHERE status BETWEEN 500 AND 599)::int AS s5xx,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY total_ms) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY total_ms) AS p95,
              sum(bytes_in)::text AS bytes_in,
              sum(bytes_out)::text AS bytes_out
       FROM ${this.table('analytics_records')}
       WHERE ${where.join(' AND ')}
       GROUP BY 1, 2
       ORDER BY 1, 2 NULLS FIRST
       LIMIT ${Math.trunc(limit)}`,
      params,
    )) as UsageRow[];
  }

  private table(name: string): string {
    return qualifiedTable(this.dataSource, name);
  }

  storeBatch(batch: AnalyticsBatch): Promise<StoreOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const claimed = (await manager.query(
        `INSERT INTO ${this.table('analytics_batches')} (batch_id, gateway_id, record_count) VALUES ($1, $2, $3)
         ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id`,
        [batch.batch_id, batch.gateway_id, batch.records.length],
      )) as unknown[];
      if (claimed.length === 0) return 'duplicate';
      if (batch.records.length === 0) return 'stored';
      const r = batch.records;
      // One statement per batch: columns travel as arrays and unnest back into rows.
      await manager.query(
        `INSERT INTO ${this.table('analytics_records')}
           (at, api_id, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result, batch_id)
         SELECT to_timestamp(at_ms / 1000.0), api_id, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result, $13
         FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[],
                     $8::float8[], $9::float8[], $10::bigint[], $11::bigint[], $12::text[])
           AS t(at_ms, api_id, identity, oauth_client_id, method, path, status, upstream_ms, total_ms, bytes_in, bytes_out, auth_result)`,
        [
          r.map((x) => x.at),
          r.map((x) => x.api_id),
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
          batch.batch_id,
        ],
      );
      return 'stored';
    });
  }
}
