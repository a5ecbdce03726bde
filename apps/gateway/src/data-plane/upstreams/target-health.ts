/**
 * Passive checks: this many failures (connection errors or 5xx answers) within the window take a
 * target out for PASSIVE_DOWN_MS, or until an active check passes, whichever comes first.
 */
export const PASSIVE_FAILURES = 3;
export const PASSIVE_WINDOW_MS = 10_000;
export const PASSIVE_DOWN_MS = 10_000;

export type HealthChange = (origin: string, healthy: boolean, reason: string) => void;

/**
 * The health of one upstream origin, shared by every API that balances over it (one per pool). A
 * target is up unless its last active check failed or passive checks took it out.
 */
export class TargetHealth {
  private activeUp = true;
  private passiveDownUntil = 0;
  private windowStart = 0;
  private failuresInWindow = 0;
  private reported = true;

  constructor(
    readonly origin: string,
    private readonly onChange: HealthChange,
    private readonly now: () => number = Date.now,
  ) {}

  get healthy(): boolean {
    if (!this.activeUp) return false;
    if (this.passiveDownUntil === 0) return true;
    if (this.now() < this.passiveDownUntil) return false;
    this.passiveDownUntil = 0;
    this.report('passive check window over');
    return true;
  }

  /** A connection error or a 5xx answer from this target. */
  recordFailure(): void {
    const now = this.now();
    if (now - this.windowStart > PASSIVE_WINDOW_MS) {
      this.windowStart = now;
      this.failuresInWindow = 0;
    }
    if (++this.failuresInWindow >= PASSIVE_FAILURES && this.passiveDownUntil === 0) {
      this.passiveDownUntil = now + PASSIVE_DOWN_MS;
      this.failuresInWindow = 0;
      this.report(`${PASSIVE_FAILURES} failures within ${PASSIVE_WINDOW_MS / 1000} s`);
    }
  }

  /** The outcome of an active (uptime) check. A pass also ends a passive exclusion: it answers again. */
  recordCheck(passed: boolean, reason: string): void {
    this.activeUp = passed;
    if (passed) this.passiveDownUntil = 0;
    this.report(reason);
  }

  private report(reason: string): void {
    const healthy = this.activeUp && this.passiveDownUntil === 0;
    if (healthy === this.reported) return;
    this.reported = healthy;
    this.onChange(this.origin, healthy, reason);
  }
}
