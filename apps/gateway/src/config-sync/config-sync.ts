import { checkPayload, registrySnapshotSchema } from '@portcullis/contracts';
import type { ConfigChangedEvent, RegistrySnapshot } from '@portcullis/contracts';

/** Where snapshots come from (the registry over the bus, in pages; a fake in tests): checked by the sync. */
export interface SnapshotSource {
  fetch(): Promise<unknown>;
}

/** What a snapshot or an event is applied to (the configuration store). */
export interface ConfigurationSink {
  replace(snapshot: RegistrySnapshot): void;
  apply(event: ConfigChangedEvent): void;
}

export interface SyncLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface SyncTiming {
  /** Delay before retry number `attempt` (0-based) of a failed snapshot request. */
  backoff(attempt: number): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** 200 ms doubling to 5 s, with ±20 % jitter so gateways restarted together do not ask in step. */
export function exponentialBackoff(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 200 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

const byRevision = (a: ConfigChangedEvent, b: ConfigChangedEvent) => a.revision - b.revision;

/**
 * Keeps a configuration in step with the registry: a full snapshot first, then change events
 * applied in revision order (one global counter, +1 per write). The rules:
 *  - events that arrive while a snapshot is being fetched (or before the first) are buffered and
 *    applied after it when newer than it;
 *  - an event at or below the current revision is stale and ignored;
 *  - an event beyond current+1 means one was missed: fetch a fresh snapshot (the event waits in
 *    the buffer, in case it is newer than that snapshot);
 *  - `resync()` (at start, and when the bus reconnects) fetches a snapshot, retrying with backoff until one comes;
 *    a resync asked for during a fetch runs again after it, since the fetch may predate its cause.
 * Until a snapshot arrives the sink keeps whatever it had: a gateway cut off from NATS serves its
 * last configuration.
 */
export class ConfigSync {
  private current: number | null = null;
  private buffered: ConfigChangedEvent[] = [];
  // Set and cleared synchronously around the fetch, so no event can slip in between the last
  // buffered event being applied and the fetch counting as over.
  private fetching = false;
  private fetched: Promise<void> = Promise.resolve();
  private fetchAgain = false;
  private readonly stopper = new AbortController();
  private busUp = false;
  private busLost = false;

  constructor(
    private readonly source: SnapshotSource,
    private readonly sink: ConfigurationSink,
    private readonly timing: SyncTiming,
    private readonly log: SyncLog,
  ) {}

  /** The revision applied last; null before the first snapshot. */
  get revision(): number | null {
    return this.current;
  }

  /** Fetches a fresh snapshot; resolves when it (and every buffered event after it) is applied. */
  resync(): Promise<void> {
    if (this.stopper.signal.aborted) return Promise.resolve();
    if (this.fetching) {
      this.fetchAgain = true;
      return this.fetched;
    }
    this.fetching = true;
    // Never rejects: callers fire and forget, and a failure to apply is logged, not thrown at them.
    this.fetched = this.fetchUntilCurrent().catch((error: unknown) => {
      this.log.warn(`applying a snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
    });
    return this.fetched;
  }

  /** Whether the bus the events arrive on is connected, as last reported. */
  get connected(): boolean {
    return this.busUp;
  }

  /**
   * The bus connection's status ('connected', 'disconnected', 'reconnecting'). Events published
   * while it was down are gone for good, so coming back means asking for a fresh snapshot.
   */
  onBusStatus(status: string): void {
    if (status !== 'connected') {
      this.busUp = false;
      this.busLost = true;
      return;
    }
    this.busUp = true;
    if (this.busLost) {
      this.busLost = false;
      this.log.info('bus connection back: fetching a fresh snapshot');
      // Not awaited: the bus status and event handlers return at once; resync() never rejects (it logs).
      void this.resync();
    }
  }

  onEvent(event: ConfigChangedEvent): void {
    if (this.stopper.signal.aborted) return;
    if (this.fetching || this.current === null) {
      this.buffered.push(event);
      return;
    }
    if (this.consider(event) === 'gap') {
      this.buffered.push(event);
      // Not awaited: the bus status and event handlers return at once; resync() never rejects (it logs).
      void this.resync();
    }
  }

  stop(): void {
    this.stopper.abort();
  }

  private consider(event: ConfigChangedEvent): 'applied' | 'stale' | 'gap' {
    const current = this.current!;
    if (event.revision <= current) return 'stale';
    if (event.revision > current + 1) {
      this.log.warn(`missed a change (at revision ${current}, received ${event.revision}): fetching a fresh snapshot`);
      return 'gap';
    }
    this.sink.apply(event);
    this.current = event.revision;
    return 'applied';
  }

  private async fetchUntilCurrent(): Promise<void> {
    try {
      do {
        this.fetchAgain = false;
        const snapshot = await this.fetchWithRetry();
        if (snapshot === null) return;
        this.sink.replace(snapshot);
        this.current = snapshot.revision;
        this.log.info(
          `configuration loaded: revision ${snapshot.revision}, ${snapshot.apis.length} API(s), ${snapshot.policies.length} policy(ies), ${snapshot.client_bindings?.length ?? 0} client binding(s), ${snapshot.certificates?.length ?? 0} certificate(s)`,
        );
        const pending = this.buffered.sort(byRevision);
        this.buffered = [];
        for (let i = 0; i < pending.length; i++) {
          if (this.consider(pending[i]!) === 'gap') {
            this.buffered = pending.slice(i);
            this.fetchAgain = true;
            break;
          }
        }
      } while (this.fetchAgain && !this.stopper.signal.aborted);
    } finally {
      // In the same synchronous stretch as the last buffered event applied above.
      this.fetching = false;
    }
  }

  private async fetchWithRetry(): Promise<RegistrySnapshot | null> {
    for (let attempt = 0; !this.stopper.signal.aborted; attempt++) {
      try {
        // Bus input is input: a malformed answer counts as a failed request, never as "no APIs".
        const snapshot = checkPayload(registrySnapshotSchema, await this.source.fetch());
        if (!snapshot.ok) throw new Error(`malformed snapshot (${snapshot.problems.map((problem) => problem.field).join(', ')})`);
        return this.stopper.signal.aborted ? null : snapshot.value;
      } catch (error) {
        const delay = this.timing.backoff(attempt);
        this.log.warn(`snapshot request failed (${error instanceof Error ? error.message : String(error)}); retrying in ${delay} ms`);
        await this.timing.sleep(delay, this.stopper.signal);
      }
    }
    return null;
  }
}
