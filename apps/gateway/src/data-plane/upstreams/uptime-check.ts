import { request } from 'undici';
import type { ProbeOutcome, TargetHealth } from './target-health.js';

/** One entry of uptime_tests.check_list, compiled. */
export interface UptimeCheckSpec {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | null;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly expectedStatus: number;
}

/** Two APIs with the same check share one checker (and one stream of probes to the upstream). */
export function uptimeCheckKey(spec: UptimeCheckSpec): string {
  return JSON.stringify([spec.url, spec.method, spec.headers, spec.body, spec.timeoutMs, spec.intervalMs, spec.expectedStatus]);
}

/**
 * Probes one URL every interval and reports each outcome to the health of the targets on that
 * host (Tyk matches uptime checks to load-balanced targets by host). The first probe runs at once.
 */
export class UptimeChecker {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private stopped = false;

  constructor(
    private readonly spec: UptimeCheckSpec,
    private readonly targets: readonly TargetHealth[],
  ) {}

  start(): void {
    // Timer-driven; probe() catches its request's failure and records it as a failed check.
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.spec.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  async probe(): Promise<void> {
    // A probe slower than the interval is not stacked on.
    if (this.running) return;
    this.running = true;
    let passed: boolean;
    let reason: string;
    let status = 0;
    try {
      const answer = await request(this.spec.url, {
        method: this.spec.method as 'GET',
        headers: this.spec.headers,
        body: this.spec.body,
        headersTimeout: this.spec.timeoutMs,
        bodyTimeout: this.spec.timeoutMs,
        signal: AbortSignal.timeout(this.spec.timeoutMs),
      });
      await answer.body.dump();
      status = answer.statusCode;
      passed = answer.statusCode === this.spec.expectedStatus;
      reason = `uptime check ${this.spec.url} answered ${answer.statusCode}`;
    } catch (error) {
      passed = false;
      reason = `uptime check ${this.spec.url} failed: ${(error as { code?: string }).code ?? (error as Error).message}`;
    } finally {
      this.running = false;
    }
    // A probe that ends after its API went away reports nothing.
    if (this.stopped) return;
    const probe: ProbeOutcome = { url: this.spec.url, status, tcpError: status === 0 };
    for (const health of this.targets) health.recordCheck(passed, reason, probe);
  }
}
