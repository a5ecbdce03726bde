import { Injectable } from '@nestjs/common';
import type { AnalyticsBatch } from '@portcullis/contracts';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';

export type StoreOutcome = 'stored' | 'duplicate';

/**
 * Writes analytics batches. The batch id and its records commit together, so a batch delivered
 * again (a lost ack, a gateway retry after JetStream's duplicate window) is recognised and skipped:
 * each record is stored exactly once.
 */
@Injectable()
export class AnalyticsStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The schema-qualified name of one of the registry's tables. */
  table(name: string): string {
    return qualifiedTable(this.dataSource, name);
  }

  /** A read on the registry's connection pool (the usage report's). */
  query(sql: string, parameters: unknown[]): Promise<unknown[]> {
    return this.dataSource.query(sql, parameters);
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
