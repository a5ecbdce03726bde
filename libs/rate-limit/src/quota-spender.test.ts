import type { QuotaLeaseReply, QuotaLeaseRequest } from '@portcullis/contracts';
import { describe, expect, it } from 'vitest';
import { createQuotaResult, type QuotaResult } from './headers.js';
import { QuotaSpender } from './quota-spender.js';

/** A stand-in auth service holding one durable count per identity; leases resolve when released. */
function authority(quotaMax: number, renewsAt = 3_600) {
  const used = new Map<string, number>();
  const requests: QuotaLeaseRequest[] = [];
  const waiting: (() => void)[] = [];
  let hold = false;
  let down = false;
  const lease = (request: QuotaLeaseRequest): Promise<QuotaLeaseReply> => {
    requests.push(request);
    const answer = (): QuotaLeaseReply => {
      const spent = used.get(request.identity) ?? 0;
      const granted = Math.min(request.units, quotaMax - spent);
      used.set(request.identity, spent + granted);
      return { granted, remaining: quotaMax - spent - granted, renews_at: renewsAt };
    };
    if (down) return Promise.reject(new Error('auth service unavailable'));
    if (!hold) return Promise.resolve(answer());
    return new Promise((resolve) => waiting.push(() => resolve(answer())));
  };
  return {
    lease,
    requests,
    used,
    hold: (on: boolean) => (hold = on),
    down: (on: boolean) => (down = on),
    release: () => waiting.splice(0).forEach((go) => go()),
    renew: () => used.clear(),
  };
}

async function spend(spender: QuotaSpender, identity: string, max: number): Promise<QuotaResult> {
  return spender.spend(identity, max, 3_600, createQuotaResult());
}

describe('QuotaSpender', () => {
  it('waits for the first lease, then spends from it synchronously', async () => {
    const auth = authority(1_000);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => 0 });
    const first = spender.spend('alice', 1_000, 3_600, createQuotaResult());
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ allowed: true, limit: 1_000, remaining: 999, resetMs: 3_600_000 });
    // min(10, 1000/10) = 10 units leased: the next nine need no await.
    expect(auth.requests).toEqual([{ identity: 'alice', units: 10, quota_max: 1_000, quota_renewal_rate: 3_600 }]);
    for (let i = 0; i < 9; i++) expect(spender.spend('alice', 1_000, 3_600, createQuotaResult())).not.toBeInstanceOf(Promise);
  });

  it('coalesces the requests that arrive while a lease is in flight onto one lease request', async () => {
    const auth = authority(1_000);
    auth.hold(true);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => 0 });
    const pending = Array.from({ length: 5 }, () => spend(spender, 'alice', 1_000));
    expect(auth.requests).toHaveLength(1);
    auth.release();
    const results = await Promise.all(pending);
    expect(results.every((r) => r.allowed)).toBe(true);
    expect(auth.requests).toHaveLength(1);
  });

  it('takes small leases as the quota runs low, and refuses at exactly quota_max', async () => {
    const auth = authority(25);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => 0 });
    let allowed = 0;
    for (let i = 0; i < 40; i++) if ((await spend(spender, 'alice', 25)).allowed) allowed++;
    expect(allowed).toBe(25);
    // max(1, min(10, remaining / 10)): 2 while 25 and 23 remain, then 1 at a time.
    expect(auth.requests.slice(0, 3).map((r) => r.units)).toEqual([2, 2, 2]);
    expect(auth.requests.at(-1)!.units).toBe(1);
    const refused = await spend(spender, 'alice', 25);
    expect(refused).toEqual({ allowed: false, limit: 25, remaining: 0, resetMs: 3_600_000 });
  });

  it('never lets more through than the quota when replicas spend the same identity', async () => {
    const auth = authority(100);
    const replicas = [1, 2, 3].map(() => new QuotaSpender({ lease: auth.lease, clock: () => 0 }));
    let allowed = 0;
    for (let i = 0; i < 300; i++) if ((await spend(replicas[i % 3]!, 'alice', 100)).allowed) allowed++;
    expect(allowed).toBe(100);
  });

  it('drops leased units when the quota renews, and leases again in the new period', async () => {
    const time = { now: 0 };
    const auth = authority(100, 60);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => time.now });
    await spend(spender, 'alice', 100);
    time.now = 60_000;
    auth.renew();
    const result = await spend(spender, 'alice', 100);
    expect(result.allowed).toBe(true);
    expect(auth.requests).toHaveLength(2);
  });

  it('does not lease in a loop when the auth service says the renewal is already past (clock skew)', async () => {
    const time = { now: 120_000 };
    const auth = authority(100, 60);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => time.now });
    expect((await spend(spender, 'alice', 100)).allowed).toBe(true);
    for (let i = 0; i < 9; i++) expect(spender.spend('alice', 100, 3_600, createQuotaResult())).not.toBeInstanceOf(Promise);
    expect(auth.requests.length).toBeLessThanOrEqual(2);
  });

  it('fails open (by default) without awaiting while the auth service cannot lease, logging once', async () => {
    const time = { now: 0 };
    const auth = authority(100);
    auth.down(true);
    const warnings: string[] = [];
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => time.now, log: { warn: (_d, m) => warnings.push(m), info() {} } });
    expect((await spend(spender, 'alice', 100)).allowed).toBe(true);
    const meanwhile = spender.spend('alice', 100, 3_600, createQuotaResult());
    expect(meanwhile).not.toBeInstanceOf(Promise);
    expect(auth.requests).toHaveLength(1);
    expect(warnings).toHaveLength(1);
    auth.down(false);
    time.now = 1_000;
    expect((await spend(spender, 'alice', 100)).allowed).toBe(true);
    expect(auth.used.get('alice')).toBe(10);
  });

  it('counts a lease reply it cannot read as a failed lease, also for a lease taken ahead of need (no unhandled rejection)', async () => {
    const auth = authority(100);
    let unreadable = false;
    const lease = (request: QuotaLeaseRequest) => (unreadable ? Promise.resolve(null as unknown as QuotaLeaseReply) : auth.lease(request));
    const warnings: string[] = [];
    const spender = new QuotaSpender({ lease, clock: () => 0, log: { warn: (_d, m) => warnings.push(m), info() {} } });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      expect((await spend(spender, 'alice', 100)).allowed).toBe(true);
      unreadable = true;
      // The tenth unit of the first lease of 10 starts the next lease in the background.
      for (let i = 0; i < 9; i++) expect(spender.spend('alice', 100, 3_600, createQuotaResult())).toMatchObject({ allowed: true });
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      expect(warnings).toHaveLength(1);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it("refuses while the auth service is down when told to ('deny')", async () => {
    const auth = authority(100);
    auth.down(true);
    const spender = new QuotaSpender({ lease: auth.lease, clock: () => 0, whenUnavailable: 'deny' });
    expect((await spend(spender, 'alice', 100)).allowed).toBe(false);
  });

  it('lets an identity without a quota through without asking', () => {
    const auth = authority(0);
    const spender = new QuotaSpender({ lease: auth.lease });
    expect(spender.spend('alice', -1, 0, createQuotaResult())).toMatchObject({ allowed: true, limit: -1 });
    expect(auth.requests).toHaveLength(0);
  });
});
