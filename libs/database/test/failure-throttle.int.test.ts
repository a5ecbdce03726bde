import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../tools/test/wait-for.js';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { FailureThrottle } from '../src/index.js';

/**
 * The shared brute-force throttle on the real PostgreSQL, with a check that counts its calls: what
 * reaches the (slow) check, what is refused unchecked, and how a lock ends.
 */
describeWithServices('FailureThrottle (PostgreSQL)', () => {
  const schema = `failure_throttle_${randomBytes(6).toString('hex')}`;
  const limits = { maxFailures: 3, windowSeconds: 60, lockSeconds: 60 };
  let dataSource: DataSource;
  let throttle: FailureThrottle;
  let account = 0;
  const fresh = () => `account-${(account += 1)}-${schema}`;

  /** A check that takes a while (as scrypt does) and counts its calls; `right` passes. */
  function counted(right: boolean) {
    const calls = { n: 0 };
    const check = async () => {
      calls.n += 1;
      await sleep(20);
      return right ? { ok: true } : null;
    };
    return { calls, check };
  }

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: testServices.databaseUrl, schema, poolSize: 30 });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA "${schema}"`);
    await dataSource.query(
      `CREATE TABLE "${schema}".failures (account_hash text PRIMARY KEY, failures integer NOT NULL, first_failure_at timestamptz NOT NULL, locked_until timestamptz)`,
    );
    throttle = new FailureThrottle(dataSource, 'failures', limits);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropScratchSchemas(schema);
  });

  it('locks after maxFailures, then refuses even the right credential without checking it; only a hash is stored', async () => {
    const name = fresh();
    const wrong = counted(false);
    expect(await throttle.guard(name, wrong.check)).toEqual({ failed: true });
    expect(await throttle.guard(name, wrong.check)).toEqual({ failed: true });
    expect(await throttle.guard(name, wrong.check)).toEqual({ retryAfterSeconds: 60 });
    const right = counted(true);
    expect(await throttle.guard(name, right.check)).toEqual({ retryAfterSeconds: expect.any(Number) });
    expect(right.calls.n).toBe(0);
    const rows = await dataSource.query(`SELECT * FROM "${schema}".failures`);
    expect(JSON.stringify(rows)).not.toContain(name);
    expect(rows.map((row: { account_hash: string }) => row.account_hash)).toContain(createHash('sha256').update(name).digest('hex'));
  });

  it('a right credential clears the count; clear() lifts a lock', async () => {
    const name = fresh();
    const wrong = counted(false);
    await throttle.guard(name, wrong.check);
    await throttle.guard(name, wrong.check);
    expect(await throttle.guard(name, counted(true).check)).toEqual({ passed: { ok: true } });
    expect(await throttle.guard(name, wrong.check)).toEqual({ failed: true });
    expect(await throttle.guard(name, wrong.check)).toEqual({ failed: true });
    expect(await throttle.guard(name, wrong.check)).toMatchObject({ retryAfterSeconds: 60 });
    await throttle.clear(name);
    expect(await throttle.guard(name, counted(true).check)).toEqual({ passed: { ok: true } });
  });

  it('counts guesses sent all at once: of 20 in flight only maxFailures reach the check', async () => {
    const name = fresh();
    const wrong = counted(false);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => throttle.guard(name, wrong.check)));
    expect(wrong.calls.n).toBe(limits.maxFailures);
    expect(outcomes.filter((outcome) => 'failed' in outcome)).toHaveLength(limits.maxFailures - 1);
    expect(outcomes.filter((outcome) => 'retryAfterSeconds' in outcome)).toHaveLength(20 - (limits.maxFailures - 1));
    const right = counted(true);
    expect(await throttle.guard(name, right.check)).toMatchObject({ retryAfterSeconds: expect.any(Number) });
    expect(right.calls.n).toBe(0);
  });

  it('a burst of right credentials never locks: those beyond the limit are told to retry in a second', async () => {
    const name = fresh();
    const right = counted(true);
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => throttle.guard(name, right.check)));
    for (const outcome of outcomes) expect(outcome).toSatisfy((o: object) => 'passed' in o || ('retryAfterSeconds' in o && o.retryAfterSeconds === 1));
    expect(await throttle.guard(name, right.check)).toEqual({ passed: { ok: true } });
  });

  it('a lock runs out by itself, and the count starts again', async () => {
    const short = new FailureThrottle(dataSource, 'failures', { maxFailures: 2, windowSeconds: 60, lockSeconds: 1 });
    const name = fresh();
    const wrong = counted(false);
    expect(await short.guard(name, wrong.check)).toEqual({ failed: true });
    expect(await short.guard(name, wrong.check)).toEqual({ retryAfterSeconds: 1 });
    const right = counted(true);
    expect(await short.guard(name, right.check)).toEqual({ retryAfterSeconds: 1 });
    expect(right.calls.n).toBe(0);
    // The lock is the database's clock's business: poll until it has run out (about a second).
    await waitFor(async () => 'passed' in (await short.guard(name, right.check)), { timeoutMs: 10_000, intervalMs: 250 });
    expect(await short.guard(name, wrong.check)).toEqual({ failed: true });
  });
  describe('guardCheapCheck (a check cheaper than the count: only failures are written)', () => {
    const rowOf = async (name: string) =>
      (
        (await dataSource.query(`SELECT failures FROM "${schema}".failures WHERE account_hash = $1`, [
          createHash('sha256').update(name).digest('hex'),
        ])) as unknown[]
      )[0];

    it('a burst of 50 right credentials all pass and write nothing', async () => {
      const name = fresh();
      const right = counted(true);
      const outcomes = await Promise.all(Array.from({ length: 50 }, () => throttle.guardCheapCheck(name, right.check)));
      expect(outcomes).toEqual(Array(50).fill({ passed: { ok: true } }));
      expect(right.calls.n).toBe(50);
      expect(await rowOf(name)).toBeUndefined();
    });

    it('guesses sent all at once are counted: maxFailures - 1 fail, the rest are locked out, then the right one is refused unchecked', async () => {
      const name = fresh();
      const wrong = counted(false);
      const outcomes = await Promise.all(Array.from({ length: 20 }, () => throttle.guardCheapCheck(name, wrong.check)));
      expect(outcomes.filter((o) => 'failed' in o)).toHaveLength(limits.maxFailures - 1);
      expect(outcomes.filter((o) => 'retryAfterSeconds' in o && o.retryAfterSeconds > 50)).toHaveLength(20 - (limits.maxFailures - 1));
      const right = counted(true);
      expect(await throttle.guardCheapCheck(name, right.check)).toMatchObject({ retryAfterSeconds: expect.any(Number) });
      expect(right.calls.n).toBe(0);
      await throttle.clear(name);
      expect(await throttle.guardCheapCheck(name, right.check)).toEqual({ passed: { ok: true } });
    });

    it('a right credential after failures clears the count', async () => {
      const name = fresh();
      expect(await throttle.guardCheapCheck(name, counted(false).check)).toEqual({ failed: true });
      expect(await rowOf(name)).toEqual({ failures: 1 });
      expect(await throttle.guardCheapCheck(name, counted(true).check)).toEqual({ passed: { ok: true } });
      expect(await rowOf(name)).toBeUndefined();
    });
  });
});
