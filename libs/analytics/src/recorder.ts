import type { AnalyticsBatch, AnalyticsRecord } from '@portcullis/contracts';
import { randomUUID } from 'node:crypto';
import { RingBuffer } from './ring-buffer.js';
import type { AnalyticsSink } from './sink.js';

export const analyticsDefaults = {
  flushMs: 1_000,
  batchSize: 500,
  maxBuffered: 100_000,
  retryInitialMs: 200,
  retryMaxMs: 30_000,
} as const;

export interface AnalyticsRecorderOptions {
  sink: AnalyticsSink;
  /** Stamped on every batch, so the registry can tell gateways apart. */
  gatewayId: string;
  /** Publish at least this often while records wait. */
  flushMs?: number;
  /** Publish as soon as this many records wait; also the most records in one batch. */
  batchSize?: number;
  /** Records kept while the sink is unreachable; beyond it the oldest are dropped. */
  maxBuffered?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** Metric hook: called with how many records were just dropped. */
  onDrop?: (count: number) => void;
  /** Log hook: a publish failed and will be retried. */
  onPublishError?: (error: unknown, attempt: number) => void;
  newBatchId?: () => string;
}

export interface AnalyticsRecorderStats {
  buffered: number;
  dropped: number;
  published: number;
  /** Records in a batch that failed to publish and waits for its retry. */
  pending: number;
}

/**
 * Collects analytics records off the request path and publishes them in batches. `record` only
 * pushes into a preallocated ring: no promise, no I/O, so a slow or absent NATS never slows a request.
 * A batch that fails keeps its batch_id across retries, so a publish that did land (its ack lost)
 * is recognised as a duplicate by JetStream and by the registry.
 */
export class AnalyticsRecorder {
  private readonly ring: RingBuffer<AnalyticsRecord>;
  private readonly flushMs: number;
  private readonly batchSize: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly newBatchId: () => string;
  private pendingBatch: AnalyticsBatch | undefined;
  private flushing: Promise<void> | undefined;
  private readonly interval: NodeJS.Timeout;
  private retryTimer: NodeJS.Timeout | undefined;
  private kickScheduled = false;
  private failures = 0;
  private closed = false;
  private droppedCount = 0;
  private publishedCount = 0;

  constructor(private readonly options: AnalyticsRecorderOptions) {
    this.flushMs = positive(options.flushMs ?? analyticsDefaults.flushMs, 'flushMs');
    this.batchSize = positive(options.batchSize ?? analyticsDefaults.batchSize, 'batchSize');
    this.retryInitialMs = positive(options.retryInitialMs ?? analyticsDefaults.retryInitialMs, 'retryInitialMs');
    this.retryMaxMs = positive(options.retryMaxMs ?? analyticsDefaults.retryMaxMs, 'retryMaxMs');
    this.ring = new RingBuffer(positive(options.maxBuffered ?? analyticsDefaults.maxBuffered, 'maxBuffered'));
    this.newBatchId = options.newBatchId ?? randomUUID;
    this.interval = setInterval(() => this.onTick(), this.flushMs);
    // Analytics must never be the reason a process stays alive.
    this.interval.unref();
  }

  /** Synchronous and O(1): the hot path's only contact with analytics. */
  record(record: AnalyticsRecord): void {
    if (this.closed) {
      this.drop(1);
      return;
    }
    if (this.ring.push(record)) this.drop(1);
    if (this.ring.size >= this.batchSize && !this.kickScheduled && !this.flushing && !this.retryTimer) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        // Recording never waits on NATS; flush() catches a failed publish and schedules a retry.
        void this.flush();
      }).unref();
    }
  }

  stats(): AnalyticsRecorderStats {
    return {
      buffered: this.ring.size,
      dropped: this.droppedCount,
      published: this.publishedCount,
      pending: this.pendingBatch?.records.length ?? 0,
    };
  }

  /** Publishes everything buffered now; resolves when done or when a publish failed (a retry is then scheduled). */
  flush(): Promise<void> {
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /** Stops the timers, makes one last attempt to publish what is buffered, then closes the sink. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.interval);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.flushing;
    await this.flush();
    const lost = this.ring.size + (this.pendingBatch?.records.length ?? 0);
    if (lost > 0) {
      this.ring.take(this.ring.size);
      this.pendingBatch = undefined;
      this.drop(lost);
    }
    await this.options.sink.close();
  }

  private onTick(): void {
    // While backing off, the retry timer owns the next attempt.
    if (this.retryTimer || this.flushing) return;
    // Recording never waits on NATS; flush() catches a failed publish and schedules a retry.
    if (this.ring.size > 0 || this.pendingBatch) void this.flush();
  }

  private async drain(): Promise<void> {
    // Only what waits now: records arriving while a batch is in flight are left for the next size
    // kick or tick. Chasing them turned a busy gateway's stream into a publish per ack round trip
    // (batches of a dozen records, hundreds a second), each one costing NATS, the registry's
    // consumer and PostgreSQL far more than its records.
    let due = this.ring.size;
    for (;;) {
      if (!this.pendingBatch) {
        if (due <= 0 || this.ring.size === 0) return;
        const records = this.ring.take(this.batchSize);
        due -= records.length;
        this.pendingBatch = { gateway_id: this.options.gatewayId, batch_id: this.newBatchId(), records };
      }
      const batch = this.pendingBatch;
      try {
        await this.options.sink.publish(batch);
      } catch (error) {
        this.failures++;
        this.options.onPublishError?.(error, this.failures);
        if (!this.closed) this.scheduleRetry();
        return;
      }
      this.failures = 0;
      this.publishedCount += batch.records.length;
      this.pendingBatch = undefined;
    }
  }

  private scheduleRetry(): void {
    const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** Math.min(this.failures - 1, 30));
    // Jitter, so gateways that lost NATS together do not all come back in the same millisecond.
    const jittered = delay / 2 + Math.random() * (delay / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      // Recording never waits on NATS; flush() catches a failed publish and schedules a retry.
      void this.flush();
    }, jittered);
    this.retryTimer.unref();
  }

  private drop(count: number): void {
    this.droppedCount += count;
    this.options.onDrop?.(count);
  }
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number`);
  return value;
}
