/**
 * Passive checks: `failures` failures (connection errors or 5xx answers) within `windowMs` take a
 * target out for `downMs`, or until an active check passes, whichever comes first. Set for the
 * whole gateway (UPSTREAM_PASSIVE_* in config.ts): a target's health is shared by every API
 * balancing over it, so per-API thresholds would contradict each other.
 */
export interface PassiveCheckSettings {
  readonly failures: number;
  readonly windowMs: number;
  readonly downMs: number;
}

export const DEFAULT_PASSIVE_CHECKS: PassiveCheckSettings = { failures: 3, windowMs: 10_000, downMs: 10_000 };

/** What the uptime check that changed a target's health saw (Tyk's HostInfo); null for a passive change. */
export interface ProbeOutcome {
  readonly url: string;
  /** 0 when no answer came. */
  readonly status: number;
  /** The connection failed (or timed out) rather than answering. */
  readonly tcpError: boolean;
}

export type HealthChange = (origin: string, healthy: boolean, reason: string, probe: ProbeOutcome | null) => void;

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
    private readonly passive: PassiveCheckSettings = DEFAULT_PASSIVE_CHECKS,
  ) {}

  get healthy(): boolean {
    if (!this.activeUp) return false;
    if (this.passiveDownUntil === 0) return true;
    if (this.now() < this.passiveDownUntil) return false;
    this.passiveDownUntil = 0;
    this.report('passive check window over', null);
    return true;
  }

  /** A connection error or a 5xx answer from this target. */
  recordFailure(): void {
    const now = this.now();
    const { failures, windowMs, downMs } = this.passive;
    if (now - this.windowStart > windowMs) {
      this.windowStart = now;
      this.failuresInWindow = 0;
    }
    if (++this.failuresInWindow >= failures && this.passiveDownUntil === 0) {
      this.passiveDownUntil = now + downMs;
      this.failuresInWindow = 0;
      this.report(`${failures} failures within ${windowMs / 1000} s`, null);
    }
  }

  /** The outcome of an active (uptime) check. A pass also ends a passive exclusion: it answers again. */
  recordCheck(passed: boolean, reason: string, probe: ProbeOutcome | null = null): void {
    this.activeUp = passed;
    if (passed) this.passiveDownUntil = 0;
    this.report(reason, probe);
  }

  private report(reason: string, probe: ProbeOutcome | null): void {
    const healthy = this.activeUp && this.passiveDownUntil === 0;
    if (healthy === this.reported) return;
    this.reported = healthy;
    this.onChange(this.origin, healthy, reason, probe);
  }
}
