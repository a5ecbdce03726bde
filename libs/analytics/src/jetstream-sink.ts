import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { messagePieceBytes } from '@portcullis/bus';
import type { AnalyticsBatch } from '@portcullis/contracts';
import type { AnalyticsSink } from './sink.js';
import { analyticsSubject, ensureAnalyticsStream } from './stream.js';

export interface JetStreamSinkOptions {
  servers: readonly string[];
  /** The bus's NATS_SUBJECT_PREFIX. */
  subjectPrefix: string;
  /** Connection name shown by NATS monitoring. */
  name: string;
  /** NATS_STREAM_REPLICAS, for the stream when this sink creates it. */
  streamReplicas?: number;
  /** How long one publish may wait for JetStream's ack. */
  publishTimeoutMs?: number;
}

/**
 * Publishes batches to JetStream on a connection of its own (the Nest bus client does not expose
 * JetStream). It connects in the background and keeps reconnecting, so a gateway starts and serves
 * without NATS; until then publishes fail and the recorder retries them.
 */
export class JetStreamAnalyticsSink implements AnalyticsSink {
  private readonly connection: Promise<NatsConnection>;
  /** The connection once made: its `info` is the INFO of the server it is on now. */
  private connected: NatsConnection | undefined;
  private client: Promise<JetStreamClient> | undefined;
  private readonly subject: string;
  private closed = false;

  constructor(private readonly options: JetStreamSinkOptions) {
    this.subject = analyticsSubject(options.subjectPrefix);
    this.connection = connect({
      servers: [...options.servers],
      name: options.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    // A rejection surfaces through publish(); this only keeps it from being "unhandled".
    this.connection.then(
      (nc) => (this.connected = nc),
      () => undefined,
    );
  }

  async publish(batch: AnalyticsBatch): Promise<void> {
    if (this.closed) throw new Error('analytics sink is closed');
    const timeoutMs = this.options.publishTimeoutMs ?? 5_000;
    // Bounded, so a NATS that never answers cannot wedge the recorder (or its close) in one attempt.
    const js = await within(this.jetStream(), timeoutMs, 'NATS is not reachable');
    const data = new TextEncoder().encode(JSON.stringify(batch));
    // msgID: JetStream drops a re-publish of this batch within the duplicate window.
    await js.publish(this.subject, data, { msgID: batch.batch_id, timeout: timeoutMs });
  }

  /** A quarter of the connected server's max_payload, like the bus's cut messages (256 KB before connecting). */
  maxBatchBytes(): number {
    return messagePieceBytes(this.connected?.info?.max_payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const nc = await within(this.connection, 0, 'not connected').catch(() => undefined);
    if (nc) await nc.drain().catch(() => nc.close());
    // Still connecting: close the connection whenever it arrives.
    else
      // Stopping does not wait for a connection still being made; a failed one has nothing to close.
      void this.connection.then(
        (late) => late.close(),
        () => undefined,
      );
  }

  private jetStream(): Promise<JetStreamClient> {
    this.client ??= (async () => {
      const nc = await this.connection;
      await ensureAnalyticsStream(await jetstreamManager(nc), this.options.subjectPrefix, { replicas: this.options.streamReplicas });
      return jetstream(nc);
    })();
    // Failed set-up (stream API unavailable, say) is tried again on the next publish.
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }
}

function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
