import type { AnalyticsAggregate, AnalyticsBatch, AnalyticsRecord } from '@portcullis/contracts';
import { randomUUID } from 'node:crypto';
import type { AnalyticsSink } from './sink.js';
import { WindowAggregator, type ClosedWindow } from './window-aggregator.js';

export const analyticsDefaults = {
  /** The aggregation window: each one is published when it ends. */
  flushMs: 10_000,
  batchSize: 500,
  maxBuffered: 100_000,
  retryInitialMs: 200,
  retryMaxMs: 30_000,
} as const;

export interface AnalyticsRecorderOptions {
  sink: AnalyticsSink;
  /** Stamped on every batch (and in its id), so the registry can tell gateways apart. */
  gatewayId: string;
  /** The aggregation window's length (a divisor of a minute); a window is published when it ends. */
  flushMs?: number;
  /** The most entries (aggregates and request logs) in one batch: a larger window goes in several parts (cut by bytes too, see AnalyticsSink.maxBatchBytes). */
  batchSize?: number;
  /** Entries kept while the sink is unreachable (and request logs waiting in open windows); beyond it the oldest are dropped. */
  maxBuffered?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Metric hook: called with how many requests (or request logs) were just dropped. */
  onDrop?: (count: number) => void;
  /** Log hook: a publish failed and will be retried. */
  onPublishError?: (error: unknown, attempt: number) => void;
  /** The clock (tests). */
  now?: () => number;
}

export interface AnalyticsRecorderStats {
  /** Requests counted in windows not yet published (open windows and batches waiting). */
  buffered: number;
  /** Requests lost (a full buffer while NATS was away, or closing without NATS) and request logs refused. */
  dropped: number;
  /** Requests counted in published batches. */
  published: number;
  /** Requests in a batch that failed to publish and waits for its retry. */
  pending: number;
}

interface QueuedBatch {
  batch: AnalyticsBatch;
  /** Requests it counts. */
  requests: number;
  /** Entries it holds (aggregates + request logs): what the buffer bound counts. */
  entries: number;
}

/**
 * Sums requests into short windows (WindowAggregator) and publishes each window when it ends, in
 * one or a few batches. `record` touches only the open window: no promise, no I/O, so a slow or
 * absent NATS never slows a request. A batch's id is fixed when its window closes
 * (gateway:instance:window-start:part) and kept across retries, so a publish that did land (its ack lost) is
 * recognised as a duplicate by JetStream and by the registry: each request is counted once.
 */
export class AnalyticsRecorder {
  private readonly windows: WindowAggregator;
  private readonly queue: QueuedBatch[] = [];
  private queuedEntries = 0;
  private queuedRequests = 0;
  private readonly batchSize: number;
  private readonly maxBuffered: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly now: () => number;
  /** Tells this recorder's batches from those of an earlier process that had the same gateway id. */
  private readonly instance = randomUUID().slice(0, 8);
  private part = 0;
  private flushing: Promise<void> | undefined;
  private readonly interval: NodeJS.Timeout;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;
  private droppedCount = 0;
  private publishedCount = 0;

  constructor(private readonly options: AnalyticsRecorderOptions) {
    const windowMs = positive(options.flushMs ?? analyticsDefaults.flushMs, 'flushMs');
    this.batchSize = positive(options.batchSize ?? analyticsDefaults.batchSize, 'batchSize');
    this.maxBuffered = positive(options.maxBuffered ?? analyticsDefaults.maxBuffered, 'maxBuffered');
    this.retryInitialMs = positive(options.retryInitialMs ?? analyticsDefaults.retryInitialMs, 'retryInitialMs');
    this.retryMaxMs = positive(options.retryMaxMs ?? analyticsDefaults.retryMaxMs, 'retryMaxMs');
    this.windows = new WindowAggregator(windowMs, this.maxBuffered);
    this.now = options.now ?? Date.now;
    // Every second (or window, if shorter): a window is published within a second of its end.
    this.interval = setInterval(() => this.onTick(), Math.min(windowMs, 1_000));
    // Analytics must never be the reason a process stays alive.
    this.interval.unref();
  }

  /** Synchronous and O(1): the hot path's only contact with analytics. `keepLog`: also keep it as a request log. */
  record(record: AnalyticsRecord, keepLog = false): void {
    if (this.closed) {
      this.drop(1);
      return;
    }
    if (!this.windows.add(record, keepLog)) this.drop(1);
  }

  stats(): AnalyticsRecorderStats {
    return {
      buffered: this.windows.pendingRequests + this.queuedRequests,
      dropped: this.droppedCount,
      published: this.publishedCount,
      pending: this.failures > 0 ? (this.queue[0]?.requests ?? 0) : 0,
    };
  }

  /**
   * Closes every window now, open ones included (a later request in the same window goes in a
   * batch of its own), and publishes; resolves when done or when a publish failed (a retry is then scheduled).
   */
  flush(): Promise<void> {
    this.closeWindows(Number.POSITIVE_INFINITY);
    return this.drain();
  }

  /** Stops the timers, closes the open window (SIGTERM), makes one last attempt to publish, then closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.interval);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flushing;
    await this.flush();
    if (this.queuedRequests > 0 || this.queue.length > 0) {
      const lost = this.queuedRequests;
      this.queue.length = 0;
      this.queuedEntries = 0;
      this.queuedRequests = 0;
      this.drop(lost);
    }
    await this.options.sink.close();
  }

  private onTick(): void {
    this.closeWindows(this.now());
    // While backing off, the retry timer owns the next attempt.
    if (this.retryTimer || this.flushing) return;
    // Recording never waits on NATS; publishQueued catches a failed publish and schedules a retry.
    if (this.queue.length > 0) void this.drain();
  }

  private closeWindows(now: number): void {
    for (const window of this.windows.takeClosed(now)) this.enqueue(window);
    // Bounded while the sink is away: the oldest windows go first (counted as dropped requests).
    // The head stays while a publish of it is in flight or waits for its retry: it may have landed.
    const inFlight = this.flushing !== undefined || this.failures > 0 ? 1 : 0;
    while (this.queuedEntries > this.maxBuffered && this.queue.length > inFlight) {
      const oldest = this.queue.splice(inFlight, 1)[0]!;
      this.unqueued(oldest);
      this.drop(oldest.requests);
    }
  }

  /**
   * Cuts a closed window into batches of at most batchSize entries and, when the sink says, of at
   * most its maxBatchBytes (asked now: the limit is the server's, which a reconnect may change; an
   * entry bigger than that goes alone), each with its id for good.
   */
  private enqueue(window: ClosedWindow): void {
    const maxBytes = this.options.sink.maxBatchBytes?.() ?? Number.POSITIVE_INFINITY;
    const parts: { aggregates: AnalyticsAggregate[]; records: AnalyticsRecord[] }[] = [{ aggregates: [], records: [] }];
    let size = 0;
    const add = (entry: { aggregate: AnalyticsAggregate } | { record: AnalyticsRecord }) => {
      const part = parts.at(-1)!;
      const count = part.aggregates.length + part.records.length;
      // Only measured when a byte limit applies (the in-process sink has none).
      const bytes = Number.isFinite(maxBytes) ? Buffer.byteLength(JSON.stringify('aggregate' in entry ? entry.aggregate : entry.record)) : 0;
      if (count >= this.batchSize || (count > 0 && size + bytes > maxBytes)) {
        parts.push({ aggregates: [], records: [] });
        size = 0;
      }
      if ('aggregate' in entry) parts.at(-1)!.aggregates.push(entry.aggregate);
      else parts.at(-1)!.records.push(entry.record);
      size += bytes;
    };
    for (const aggregate of window.aggregates) add({ aggregate });
    for (const record of window.records) add({ record });
    for (const { aggregates, records } of parts) {
      const batch: AnalyticsBatch = {
        gateway_id: this.options.gatewayId,
        batch_id: `${this.options.gatewayId}:${this.instance}:${window.start}:${++this.part}`,
        window: { start: window.start, ms: window.ms },
        aggregates,
        records,
      };
      const queued = { batch, requests: aggregates.reduce((sum, a) => sum + a.count, 0), entries: aggregates.length + records.length };
      this.queue.push(queued);
      this.queuedEntries += queued.entries;
      this.queuedRequests += queued.requests;
    }
  }

  private unqueued(queued: QueuedBatch): void {
    this.queuedEntries -= queued.entries;
    this.queuedRequests -= queued.requests;
  }

  private drain(): Promise<void> {
    this.flushing ??= this.publishQueued().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async publishQueued(): Promise<void> {
    while (this.queue.length > 0) {
      const queued = this.queue[0]!;
      try {
        await this.options.sink.publish(queued.batch);
      } catch (error) {
        this.failures++;
        this.options.onPublishError?.(error, this.failures);
        if (!this.closed && !this.retryTimer) this.scheduleRetry();
        return;
      }
      this.failures = 0;
      // closeWindows never drops the head while it is in flight.
      this.queue.shift();
      this.unqueued(queued);
      this.publishedCount += queued.requests;
    }
  }

  private scheduleRetry(): void {
    const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(this.failures - 1, 30));
    // Jitter, so gateways that lost NATS together do not all come back in the same millisecond.
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // As in onTick: publishQueued catches its own failures.
      void this.drain();
    }, jittered);
    this.retryTimer.unref();
  }

  private drop(count: number): void {
    if (count <= 0) return;
    this.droppedCount += count;
    this.options.onDrop?.(count);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}
