import type { CircuitBreakerSpec } from '@portcullis/domain';

export type BreakerEvent = 'BreakerTripped' | 'BreakerReset';
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Where a breaker sits, for its metrics and events. */
export interface BreakerLabels {
  readonly api_id: string;
  readonly version: string;
  readonly method: string;
  readonly path: string;
}

export type BreakerListener = (event: BreakerEvent, labels: BreakerLabels, reason: string) => void;

/** What `admit` answers. */
export const REFUSED = 0;
export const ADMITTED = 1;
/** Admitted as the half-open state's one trial request: its outcome closes or reopens the breaker. */
export const TRIAL = 2;
export type Admission = typeof REFUSED | typeof ADMITTED | typeof TRIAL;

/**
 * Tyk's circuit breaker for one path and method: it trips when the failures (5xx answers and
 * upstream errors) among the last `samples` requests reach `threshold_percent`; open, it refuses
 * every request for `return_to_service_after` seconds; then one trial request goes through
 * (half-open) and its outcome closes the breaker or opens it again. With `disable_half_open_state`
 * the breaker closes as soon as the wait is over.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  /** The last `samples` outcomes, 1 for a failure. */
  private readonly outcomes: Uint8Array;
  private next = 0;
  private recorded = 0;
  private failures = 0;
  private openUntil = 0;
  private trialOut = false;
  tripped = 0;
  resets = 0;

  constructor(
    private readonly spec: CircuitBreakerSpec,
    readonly labels: BreakerLabels,
    private readonly listener: BreakerListener,
    private readonly now: () => number = Date.now,
  ) {
    this.outcomes = new Uint8Array(spec.samples);
  }

  get state(): BreakerState {
    return this.current;
  }

  admit(): Admission {
    if (this.current === 'closed') return ADMITTED;
    if (this.current === 'open') {
      if (this.now() < this.openUntil) return REFUSED;
      if (this.spec.disableHalfOpenState) {
        this.close(`${this.spec.returnToServiceAfter} s passed (half-open state disabled)`);
        return ADMITTED;
      }
      this.current = 'half-open';
    }
    if (this.trialOut) return REFUSED;
    this.trialOut = true;
    return TRIAL;
  }

  /** The outcome of an admitted request: whether the upstream answered below 500. */
  record(success: boolean, trial: boolean): void {
    if (trial) {
      this.trialOut = false;
      if (success) this.close('the trial request succeeded');
      else this.trip('the trial request failed');
      return;
    }
    // Requests admitted before the breaker opened still finish: they no longer count.
    if (this.current !== 'closed') return;
    if (this.recorded === this.outcomes.length) this.failures -= this.outcomes[this.next]!;
    else this.recorded++;
    const failed = success ? 0 : 1;
    this.outcomes[this.next] = failed;
    this.failures += failed;
    this.next = this.next + 1 === this.outcomes.length ? 0 : this.next + 1;
    if (this.recorded >= this.spec.samples && this.failures / this.recorded >= this.spec.thresholdPercent) {
      this.trip(`${this.failures} of the last ${this.recorded} requests failed`);
    }
  }

  /** An admitted request ended with no outcome (the client went away): a trial slot is freed. */
  release(trial: boolean): void {
    if (trial) this.trialOut = false;
  }

  private trip(reason: string): void {
    this.current = 'open';
    this.openUntil = this.now() + this.spec.returnToServiceAfter * 1000;
    this.tripped++;
    this.listener('BreakerTripped', this.labels, reason);
  }

  private close(reason: string): void {
    this.current = 'closed';
    this.outcomes.fill(0);
    this.next = 0;
    this.recorded = 0;
    this.failures = 0;
    this.resets++;
    this.listener('BreakerReset', this.labels, reason);
  }
}
