import { Injectable } from '@nestjs/common';
import type { QuotaLeaseReply, QuotaLeaseRequest } from '@portcullis/contracts';
import { qualifiedTable } from '@portcullis/database';
import { DataSource } from 'typeorm';

interface LeaseRow {
  granted: string;
  used: string;
  renews_at: Date | null;
}

/**
 * Durable quotas (`auth.quota.lease`): one row per identity in `quota_usage`. A lease is one
 * INSERT ... ON CONFLICT DO UPDATE ... RETURNING: it locks the row, so concurrent leases from any
 * number of gateways and auth replicas queue on it and together never grant more than `quota_max`
 * per period. A lease arriving after `renews_at` starts a new period; `granted` records what this
 * statement took, so the reply comes from the same statement (no read-then-write race).
 */
@Injectable()
export class QuotaService {
  constructor(private readonly dataSource: DataSource) {}

  /** `quota_renewal_rate` <= 0: the period never renews. */
  async lease(request: QuotaLeaseRequest): Promise<QuotaLeaseReply> {
    // Tyk: quota_max -1 is no quota. Nothing to count, nothing to store.
    if (request.quota_max < 0) return { granted: request.units, remaining: -1, renews_at: 0 };
    const table = this.table();
    const result: unknown = await this.dataSource.query(
      `INSERT INTO ${table} AS q (identity, used, granted, period_start, renews_at)
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
      [request.identity, request.units, request.quota_max, request.quota_renewal_rate],
    );
    // TypeORM answers [rows, affected] for some statements on PostgreSQL and plain rows for others.
    const rows = (Array.isArray((result as unknown[])[0]) ? (result as unknown[][])[0] : result) as LeaseRow[];
    const row = rows[0]!;
    return {
      granted: Number(row.granted),
      remaining: Math.max(0, request.quota_max - Number(row.used)),
      renews_at: row.renews_at ? Math.floor(new Date(row.renews_at).getTime() / 1000) : 0,
    };
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'quota_usage');
  }
}
