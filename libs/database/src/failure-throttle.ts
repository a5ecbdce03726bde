import type { DataSource } from 'typeorm';
import { sweeper } from './sweeper.js';
import { qualifiedTable } from './table-name.js';

/** How many failed attempts an account takes within a window before it is locked, and for how long. */
export interface FailureLimits {
  maxFailures: number;
  windowSeconds: number;
  lockSeconds: number;
}

/**
 * What a throttled check came to: the check's own answer; a failure still under the limit; or
 * refused without being checked (or failed and locking), with the seconds to wait.
 */
export type Throttled<T> = { passed: T } | { failed: true } | { retryAfterSeconds: number };

/**
 * A brute-force throttle on failed attempts per account (a login, a client id), kept in PostgreSQL
 * so every replica counts against the same figure and the database's clock is the only clock. The
 * table has the columns of the services' migrations (`account_hash` primary key, `failures`,
 * `first_failure_at`, `locked_until`); accounts are stored as their SHA-256, computed by PostgreSQL,
 * since attempts on accounts nobody has are counted too (or the throttle would tell which exist).
 *
 * Locking an account rather than an address is what stops a guesser spread over many addresses; its
 * price, that a stranger can keep the owner out, is bounded by `lockSeconds`, and `clear` (a reset,
 * a new secret, an admin) ends it sooner.
 */
export class FailureThrottle {
  /** Counts past their window, swept from the attempt path (an attacker pays a check per new row). */
  private readonly sweepNowAndThen: () => void;
  /** `guardCheapCheck`'s recent readings by account, unlocked ones only (bounded: cleared when full). */
  private readonly readings = new Map<string, { at: number; value: Promise<Reading> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly tableName: string,
    readonly limits: Readonly<FailureLimits>,
  ) {
    this.sweepNowAndThen = sweeper(
      dataSource,
      () => `DELETE FROM ${this.table()} WHERE first_failure_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())`,
      [limits.windowSeconds],
    );
  }

  /**
   * Runs `check` (null: the credential was wrong) under the account's throttle. The attempt is
   * counted before the check, so guesses sent all at once are counted as surely as guesses sent one
   * by one: of any number in flight, only `maxFailures` reach the check. A locked account is refused
   * unchecked, right credential or not, so guessing on stops paying and costs us nothing slow.
   * A passing check clears the count.
   */
  async guard<T>(account: string, check: () => Promise<T | null> | T | null): Promise<Throttled<T>> {
    const { attempt, lockedFor } = await this.attempt(account);
    if (lockedFor > 0) return { retryAfterSeconds: lockedFor };
    // More attempts in flight than the limit, none locking yet: the earlier ones decide (a failure
    // among them locks, a success clears), so this one is told to come back in a moment, unchecked.
    if (attempt > this.limits.maxFailures) return { retryAfterSeconds: 1 };
    const passed = await check();
    if (passed === null) {
      const lockedNow = attempt >= this.limits.maxFailures ? await this.lock(account) : 0;
      return lockedNow > 0 ? { retryAfterSeconds: lockedNow } : { failed: true };
    }
    await this.clear(account);
    return { passed };
  }

  /**
   * `guard` for a check cheaper than the count itself (the SHA-256 of a generated secret, not a
   * password hash): the check runs first and only failures are written, so a client that
   * authenticates right costs no database write, and a burst of its requests never meets the
   * in-flight rule above (a client sending 50 token requests at once must not get 429s). Failures
   * still go through the one atomic count, so guesses sent all at once lock the account as surely.
   *
   * Whether the account is locked is read before the check; a reading that found it unlocked is
   * reused for `UNLOCKED_READING_MS`, so a lock set by another replica reaches this one within that
   * time (a guess it refuses meanwhile still meets the lock in the count); a locked reading is never
   * reused, so an unlock or a lock running out counts at once.
   */
  async guardCheapCheck<T>(account: string, check: () => Promise<T | null> | T | null): Promise<Throttled<T>> {
    const reading = await this.reading(account);
    if (reading.lockedFor > 0) return { retryAfterSeconds: reading.lockedFor };
    const passed = await check();
    if (passed !== null) {
      if (reading.failures > 0) await this.clear(account);
      return { passed };
    }
    const { attempt, lockedFor } = await this.attempt(account);
    this.readings.delete(account);
    if (lockedFor > 0) return { retryAfterSeconds: lockedFor };
    const lockedNow = attempt >= this.limits.maxFailures ? await this.lock(account) : 0;
    return lockedNow > 0 ? { retryAfterSeconds: lockedNow } : { failed: true };
  }

  /** Wipes the account's count and lock: a right credential, a new secret or password, an admin. */
  async clear(account: string): Promise<void> {
    this.readings.delete(account);
    await this.dataSource.query(`DELETE FROM ${this.table()} WHERE account_hash = ${HASH_OF_FIRST}`, [account]);
  }

  /** The account's failures and lock as last read, or read now (concurrent reads of one account coalesce). */
  private reading(account: string): Promise<Reading> {
    const known = this.readings.get(account);
    if (known && known.at + UNLOCKED_READING_MS > Date.now()) return known.value;
    const value = this.dataSource
      .query(`SELECT failures, ${SECONDS_LEFT} AS seconds FROM ${this.table()} WHERE account_hash = ${HASH_OF_FIRST}`, [account])
      .then((rows: Array<{ failures: number; seconds: number }>) => {
        const reading = { failures: rows[0]?.failures ?? 0, lockedFor: rows[0]?.seconds ?? 0 };
        if (reading.lockedFor > 0) this.readings.delete(account);
        return reading;
      });
    value.catch(() => this.readings.delete(account));
    if (this.readings.size >= MAX_READINGS) this.readings.clear();
    this.readings.set(account, { at: Date.now(), value });
    return value;
  }

  /** Answers the attempt's number in the window, or the seconds left on a lock (then nothing is counted). */
  private async attempt(account: string): Promise<{ attempt: number; lockedFor: number }> {
    const { windowSeconds } = this.limits;
    const locked = `f.locked_until > now()`;
    // A count whose window has passed, or whose lock has run out, starts again at this attempt.
    const startsAgain = `(f.first_failure_at < now() - make_interval(secs => $2) OR f.locked_until <= now())`;
    const rows = (await this.dataSource.query(
      `INSERT INTO ${this.table()} AS f (account_hash, failures, first_failure_at, locked_until) VALUES (${HASH_OF_FIRST}, 1, now(), NULL)
       ON CONFLICT (account_hash) DO UPDATE SET
         failures = CASE WHEN ${locked} THEN f.failures WHEN ${startsAgain} THEN 1 ELSE f.failures + 1 END,
         first_failure_at = CASE WHEN ${locked} THEN f.first_failure_at WHEN ${startsAgain} THEN now() ELSE f.first_failure_at END,
         locked_until = CASE WHEN ${locked} THEN f.locked_until END
       RETURNING failures AS attempt, ${SECONDS_LEFT} AS seconds`,
      [account, windowSeconds],
    )) as Array<{ attempt: number; seconds: number }>;
    this.sweepNowAndThen();
    const row = rows[0]!;
    return { attempt: row.attempt, lockedFor: row.seconds };
  }

  /**
   * The last attempt the window allows failed: the account is locked from now (a lock already set by
   * an attempt in flight stands). Answers the seconds left; 0 when a right credential cleared it meanwhile.
   */
  private async lock(account: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `UPDATE ${this.table()} SET locked_until = CASE WHEN locked_until > now() THEN locked_until ELSE now() + make_interval(secs => $2) END
       WHERE account_hash = ${HASH_OF_FIRST} RETURNING ${SECONDS_LEFT} AS seconds`,
      [account, this.limits.lockSeconds],
    )) as [Array<{ seconds: number }>, number] | Array<{ seconds: number }>;
    // TypeORM answers an UPDATE ... RETURNING on PostgreSQL as [rows, count].
    const returned = Array.isArray(rows[0]) ? rows[0] : (rows as Array<{ seconds: number }>);
    return returned[0]?.seconds ?? 0;
  }

  private table(): string {
    return qualifiedTable(this.dataSource, this.tableName);
  }
}

interface Reading {
  failures: number;
  lockedFor: number;
}

/** How long an unlocked reading is trusted: how late a lock set by another replica may be seen here. */
const UNLOCKED_READING_MS = 1_000;
/** Readings kept at most; past that they are dropped at once (a flood of made-up accounts costs reads, not memory). */
const MAX_READINGS = 10_000;

/** The account as stored: hex SHA-256 of its UTF-8 bytes (PostgreSQL's own sha256, no pgcrypto needed). */
const HASH_OF_FIRST = `encode(sha256(convert_to($1::text, 'UTF8')), 'hex')`;

/** Whole seconds left on a lock, rounded up so a client that waits that long is let in. */
const SECONDS_LEFT = `GREATEST(0, CEIL(EXTRACT(EPOCH FROM (locked_until - now()))))::int`;
