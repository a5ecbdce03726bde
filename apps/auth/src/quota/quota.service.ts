import { Injectable } from '@nestjs/common';
import type { QuotaLeaseReply, QuotaLeaseRequest } from '@portcullis/contracts';
import { QuotaStore } from '../storage/quota-store.js';

/**
 * Durable quotas (`auth.quota.lease`): the store's one-statement lease grants at most `quota_max`
 * per period across every gateway and auth replica.
 */
@Injectable()
export class QuotaService {
  constructor(private readonly store: QuotaStore) {}

  /** `quota_renewal_rate` <= 0: the period never renews. */
  async lease(request: QuotaLeaseRequest): Promise<QuotaLeaseReply> {
    // Tyk: quota_max -1 is no quota. Nothing to count, nothing to store.
    if (request.quota_max < 0) return { granted: request.units, remaining: -1, renews_at: 0 };
    const row = await this.store.lease(request.identity, request.units, request.quota_max, request.quota_renewal_rate);
    return {
      granted: Number(row.granted),
      remaining: Math.max(0, request.quota_max - Number(row.used)),
      renews_at: row.renews_at ? Math.floor(new Date(row.renews_at).getTime() / 1000) : 0,
    };
  }
}
