import type { QuotaLeaseReply, QuotaLeaseRequest } from '@portcullis/contracts';
import type { QuotaResult } from './headers.js';
import { silentLog, type LimiterLog } from './limiter.js';
import type { Clock } from './result.js';

/** Asks the auth service for units of an identity's quota (`auth.quota.lease` over the bus). */
export type LeaseFn = (request: QuotaLeaseRequest) => Promise<QuotaLeaseReply>;

export interface QuotaSpenderOptions {
  lease: LeaseFn;
  /** Milliseconds since the epoch (compared with the auth service's `renews_at`). */
  clock?: Clock;
  /** The largest lease asked for at once. */
  maxChunk?: number;
  /**
   * What a request gets while the auth service cannot lease (down, timing out): 'allow' (fail
   * open, as the rate limiter does) or 'deny'. Either way it is decided at once, not awaited.
   */
  whenUnavailable?: 'allow' | 'deny';
  /** After a failed lease, how long (ms) requests are decided by `whenUnavailable` before asking again. */
  retryAfterFailureMs?: number;
  log?: LimiterLog;
}

/** One identity's quota as this gateway knows it. */
interface Account {
  /** Units leased to this gateway and not yet spent. */
  units: number;
  /** What the auth service had left after the last lease (its `remaining`, after granting; `units` not included). */
  serverRemaining: number;
  /** When the quota renews (ms since the epoch); 0 until the first lease says. */
  renewsAt: number;
  /** The lease in flight: every request of this identity that needs units waits on this one. */
  pending: Promise<void> | null;
  /** What the last lease granted: 0 means the quota is spent, so asking again is pointless. */
  lastGranted: number;
  /** Until when a failed lease keeps us from asking again. */
  failedUntil: number;
}

/**
 * Spends identities' quotas locally from leases taken from the auth service, which holds the
 * durable count. Leases are small — max(1, min(maxChunk, remaining / 10)) units — so replicas
 * strand little (at most one chunk each per identity when a client stops). A request that finds
 * units spends one synchronously; when they run out the next chunk is fetched in the background,
 * so the only await on the hot path is an identity's first request (and any request that outruns
 * a lease in flight), all of them waiting on the same promise.
 */
export class QuotaSpender {
  private readonly accounts = new Map<string, Account>();
  private readonly clock: Clock;
  private readonly maxChunk: number;
  private readonly allowWhenUnavailable: boolean;
  private readonly retryAfterFailureMs: number;
  private readonly log: LimiterLog;
  private failing = false;

  constructor(private readonly options: QuotaSpenderOptions) {
    this.clock = options.clock ?? Date.now;
    this.maxChunk = options.maxChunk ?? 10;
    this.allowWhenUnavailable = (options.whenUnavailable ?? 'allow') === 'allow';
    this.retryAfterFailureMs = Math.max(1, options.retryAfterFailureMs ?? 1_000);
    this.log = options.log ?? silentLog;
  }

  /**
   * Spends one unit of `identity`'s quota (`quotaMax` < 0: no quota, always allowed). Returns `out`
   * when decided at once, else a promise of it (never rejects).
   */
  spend(identity: string, quotaMax: number, renewalRate: number, out: QuotaResult): QuotaResult | Promise<QuotaResult> {
    out.limit = quotaMax;
    if (quotaMax < 0) {
      out.allowed = true;
      out.remaining = -1;
      out.resetMs = 0;
      return out;
    }
    let account = this.accounts.get(identity);
    if (account === undefined) {
      account = { units: 0, serverRemaining: quotaMax, renewsAt: 0, pending: null, lastGranted: 1, failedUntil: 0 };
      this.accounts.set(identity, account);
    }
    return this.spendFrom(account, identity, quotaMax, renewalRate, out);
  }

  private spendFrom(account: Account, identity: string, quotaMax: number, renewalRate: number, out: QuotaResult): QuotaResult | Promise<QuotaResult> {
    const now = this.clock();
    if (account.renewsAt !== 0 && now >= account.renewsAt) {
      // A new period: units leased in the old one were counted there; drop them.
      account.units = 0;
      account.serverRemaining = quotaMax;
      account.renewsAt = 0;
      account.lastGranted = 1;
    }
    out.resetMs = account.renewsAt > now ? account.renewsAt - now : 0;
    if (account.units > 0) {
      account.units--;
      out.allowed = true;
      out.remaining = account.serverRemaining + account.units;
      if (account.units === 0 && account.serverRemaining > 0 && account.pending === null) {
        this.takeLease(account, identity, quotaMax, renewalRate);
      }
      return out;
    }
    if (account.pending === null) {
      if (account.lastGranted === 0 || (account.renewsAt !== 0 && account.serverRemaining <= 0)) {
        out.allowed = false;
        out.remaining = 0;
        return out;
      }
      if (now < account.failedUntil) return this.unavailable(account, out);
      this.takeLease(account, identity, quotaMax, renewalRate);
    }
    // After a failed lease `failedUntil` lies ahead, so this decides by `whenUnavailable` at once.
    return account.pending!.then(() => this.spendFrom(account, identity, quotaMax, renewalRate, out));
  }

  /** Starts a lease; its promise, which never rejects, is `account.pending` until it settles. */
  private takeLease(account: Account, identity: string, quotaMax: number, renewalRate: number): void {
    const units = Math.max(1, Math.min(this.maxChunk, Math.floor(account.serverRemaining / 10)));
    const request: QuotaLeaseRequest = { identity, units, quota_max: quotaMax, quota_renewal_rate: renewalRate };
    account.pending = this.options
      .lease(request)
      .then((reply) => {
        account.pending = null;
        account.units += reply.granted;
        account.lastGranted = reply.granted;
        account.serverRemaining = reply.remaining;
        const renewsAt = reply.renews_at * 1000;
        const now = this.clock();
        // A renewal time already past (clocks apart, or a stale reply) would drop these units at
        // once and lease again in a loop: trust them until a short recheck instead.
        account.renewsAt = renewsAt > now ? renewsAt : now + this.retryAfterFailureMs;
        if (this.failing) {
          this.failing = false;
          this.log.info({}, 'quota: leases are granted again');
        }
      })
      // After the reply's handler too: a reply it cannot read counts as a failed lease, never as a
      // rejection nobody awaits (a lease taken ahead of need has no caller waiting on it).
      .catch((error: unknown) => {
        account.pending = null;
        account.failedUntil = this.clock() + this.retryAfterFailureMs;
        if (!this.failing) {
          this.failing = true;
          this.log.warn(
            { err: error },
            `quota: cannot lease from the auth service; requests are ${this.allowWhenUnavailable ? 'allowed' : 'refused'} meanwhile`,
          );
        }
      });
  }

  private unavailable(account: Account, out: QuotaResult): QuotaResult {
    out.allowed = this.allowWhenUnavailable;
    out.remaining = Math.max(0, account.serverRemaining + account.units);
    return out;
  }

  /** Forgets identities whose quota period is over and that hold no units (call from a timer). */
  sweep(): number {
    const now = this.clock();
    let dropped = 0;
    for (const [identity, account] of this.accounts) {
      if (account.pending === null && account.units === 0 && account.renewsAt !== 0 && account.renewsAt <= now) {
        this.accounts.delete(identity);
        dropped++;
      }
    }
    return dropped;
  }

  get size(): number {
    return this.accounts.size;
  }
}
