import { Injectable } from '@nestjs/common';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';

/** What one lease statement took and left, as PostgreSQL returns it. */
export interface QuotaLeaseRow {
  granted: string;
  used: string;
  renews_at: Date | null;
}

/** Durable quota counters: one row per identity in `quota_usage`. */
@Injectable()
export class QuotaStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One INSERT ... ON CONFLICT DO UPDATE ... RETURNING: it locks the row, so concurrent leases from
   * any number of gateways and auth replicas queue on it and together never grant more than
   * `quotaMax` per period. A lease arriving after `renews_at` starts a new period; `granted` records
   * what this statement took, so the reply comes from the same statement (no read-then-write race).
   */
  async lease(identity: string, units: number, quotaMax: number, renewalRate: number): Promise<QuotaLeaseRow> {
    const result: unknown = await this.dataSource.query(
      `INSERT INTO ${this.table()} AS q (identity, used, granted, period_start, renews_at)
       VALUES ($1, LEAST($2::bigint, $3::bigint), LEAST($2::bigint, $3::bigint), now(),
               CASE WHEN $4::integer > 0 THEN now() + make_interval(secs => $4::integer) END)
       ON CONFLICT (identity) DO UPDATE SET
         granted = CASE WHEN q.renews_at <= now() THEN LEAST($2::bigint, $3::bigint)
                        ELSE LEAST($2::bigint, GREATEST($3::bigint - q.used, 0)) END,
         used = CASE WHEN q.renews_at <= now() THEN LEAST($2::bigint, $3::bigint)
                     ELSE q.used + LEAST($2::bigint, GREATEST($3::bigint - q.used, 0)) END,
         period_start = CASE WHEN q.renews_at <= now() THEN now() ELSE q.period_start END,
         renews_at = CASE WHEN q.renews_at <= now() OR q.renews_at IS NULL
                          THEN CASE WHEN $4::integer > 0 THEN now() + make_interval(secs => $4::integer) END
                          ELSE q.renews_at END
       RETURNING granted, used, renews_at`,
      [identity, units, quotaMax, renewalRate],
    );
    // TypeORM answers [rows, affected] for some statements on PostgreSQL and plain rows for others.
    const rows = (Array.isArray((result as unknown[])[0]) ? (result as unknown[][])[0] : result) as QuotaLeaseRow[];
    return rows[0]!;
  }

  /** Drops the identity's counter (a key made again with the same value starts afresh). */
  async forget(identity: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table()} WHERE identity = $1`, [identity]);
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'quota_usage');
  }
}
