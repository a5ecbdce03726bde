import { Injectable } from '@nestjs/common';
import { qualifiedTable, sweeper } from '@portcullis/database';
import { sha256Hex } from '@portcullis/http';
import { DataSource } from 'typeorm';

/**
 * How many wrong passwords an account takes before it is locked, within what time, and for how
 * long: five guesses per quarter hour, whichever replica they reach (OWASP's advice is a handful).
 */
export const loginThrottleLimits = { maxFailures: 5, windowSeconds: 15 * 60, lockSeconds: 15 * 60 } as const;

/**
 * The portal's login throttle, per account, in PostgreSQL (the clock is the database's, one for
 * every replica). Locking an account rather than an address is what stops a guesser spread over
 * many addresses; its price, that a stranger can keep someone locked out, is bounded by the lock's
 * length and ended by an admin's password reset link (a reset clears the count).
 */
@Injectable()
export class LoginThrottle {
  /** Counts past their window, swept from the attempt path (an attacker pays a scrypt per new row). */
  private readonly sweepNowAndThen = sweeper(
    this.dataSource,
    () => `DELETE FROM ${this.table()} WHERE first_failure_at < now() - make_interval(secs => $1) AND (locked_until IS NULL OR locked_until <= now())`,
    [loginThrottleLimits.windowSeconds],
  );

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Counts an attempt before its password is checked, so guesses sent all at once are counted as
   * surely as guesses sent one by one: of any number in flight, only `maxFailures` reach scrypt.
   * Answers the attempt's number in the window, or the seconds left on a lock (then nothing is counted).
   */
  async attempt(normalisedEmail: string): Promise<{ attempt: number; lockedFor: number }> {
    const { maxFailures, windowSeconds, lockSeconds } = loginThrottleLimits;
    const locked = `f.locked_until > now()`;
    // A count whose window has passed, or whose lock has run out, starts again at this attempt.
    const startsAgain = `(f.first_failure_at < now() - make_interval(secs => $3) OR f.locked_until <= now())`;
    const counted = `CASE WHEN ${startsAgain} THEN 1 ELSE f.failures + 1 END`;
    const rows = (await this.dataSource.query(
      `INSERT INTO ${this.table()} AS f (account_hash, failures, first_failure_at, locked_until) VALUES ($1, 1, now(), NULL)
       ON CONFLICT (account_hash) DO UPDATE SET
         failures = CASE WHEN ${locked} THEN f.failures ELSE ${counted} END,
         first_failure_at = CASE WHEN ${locked} THEN f.first_failure_at WHEN ${startsAgain} THEN now() ELSE f.first_failure_at END,
         locked_until = CASE WHEN ${locked} THEN f.locked_until WHEN ${counted} > $2 THEN now() + make_interval(secs => $4) END
       RETURNING failures AS attempt, ${SECONDS_LEFT} AS seconds`,
      [sha256Hex(normalisedEmail), maxFailures, windowSeconds, lockSeconds],
    )) as Array<{ attempt: number; seconds: number }>;
    this.sweepNowAndThen();
    const row = rows[0]!;
    return { attempt: row.attempt, lockedFor: row.seconds };
  }

  /**
   * The last attempt the window allows failed: the account is locked from now (a lock already set by
   * an attempt in flight stands). Answers the seconds left; 0 when a right password cleared it meanwhile.
   */
  async lock(normalisedEmail: string): Promise<number> {
    const rows = (await this.dataSource.query(
      `UPDATE ${this.table()} SET locked_until = CASE WHEN locked_until > now() THEN locked_until ELSE now() + make_interval(secs => $2) END
       WHERE account_hash = $1 RETURNING ${SECONDS_LEFT} AS seconds`,
      [sha256Hex(normalisedEmail), loginThrottleLimits.lockSeconds],
    )) as [Array<{ seconds: number }>, number] | Array<{ seconds: number }>;
    // TypeORM answers an UPDATE ... RETURNING on PostgreSQL as [rows, count].
    const returned = Array.isArray(rows[0]) ? rows[0] : (rows as Array<{ seconds: number }>);
    return returned[0]?.seconds ?? 0;
  }

  /** A right password (or a new one) wipes the account's count. */
  async cleared(normalisedEmail: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.table()} WHERE account_hash = $1`, [sha256Hex(normalisedEmail)]);
  }

  private table(): string {
    return qualifiedTable(this.dataSource, 'portal_login_failures');
  }
}

/** Whole seconds left on a lock, rounded up so a client that waits that long is let in. */
const SECONDS_LEFT = `GREATEST(0, CEIL(EXTRACT(EPOCH FROM (locked_until - now()))))::int`;
