import { jetstream, jetstreamManager, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { ensureAnalyticsConsumer } from '@portcullis/analytics';
import type { AnalyticsBatch } from '@portcullis/contracts';
import type { StoreOutcome } from '../storage/analytics-store.js';
import { analyticsBatchSchema } from './batch-schema.js';

export interface JetStreamConsumerOptions {
  servers: readonly string[];
  subjectPrefix: string;
  /** NATS_STREAM_REPLICAS, for the stream when this consumer creates it. */
  streamReplicas?: number;
  name: string;
  store: (batch: AnalyticsBatch) => Promise<StoreOutcome>;
  log: { warn(message: string): void; error(message: string): void };
}

const SETUP_RETRY_MAX_MS = 10_000;

/**
 * How long one pull waits on the server. The client sees a pull that is lost (its consumer's
 * leader died with it, in a JetStream cluster) only when two idle heartbeats, each half of this,
 * fail to come, and pulls again then. At the client's default (30 s) a killed NATS server stalled
 * the registry's analytics for up to 30 s; at 5 s it resumes within about 5 s of a leader change.
 */
export const PULL_EXPIRES_MS = 5_000;

/** Redelivery delay after a failed store: grows with each attempt, so a database outage is not hammered. */
export function nakDelayMs(deliveryCount: number): number {
  return Math.min(30_000, 500 * 2 ** Math.min(Math.max(deliveryCount - 1, 0), 6));
}

/**
 * The registry's durable pull consumer of analytics batches. Runs in the background: the registry
 * starts and serves without NATS, and picks up where its durable consumer left off once NATS is
 * there, batches published while it was away included.
 */
export class JetStreamAnalyticsConsumer {
  private connection: Promise<NatsConnection> | undefined;
  private messages: ConsumerMessages | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly options: JetStreamConsumerOptions) {}

  start(): void {
    this.connection = connect({
      servers: [...this.options.servers],
      name: this.options.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.running = this.run().catch((error: unknown) => {
      if (!this.stopped) this.options.log.error(`analytics consumer stopped: ${describe(error)}`);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.messages?.close().catch(() => undefined);
    const connection = this.connection;
    if (!connection) return;
    // Still waiting for a first connection: close it whenever it comes, without waiting here.
    const nc = await Promise.race([connection, Promise.resolve(undefined)]).catch(() => undefined);
    if (nc && this.messages) {
      // Let the batch in hand finish (and be acked) before the connection goes.
      await this.running;
      await nc.drain().catch(() => nc.close());
    } else if (nc) {
      // Still setting up (maybe sleeping between attempts): nothing in hand to finish.
      await nc.close();
    } else {
      // Stopping does not wait for a connection still being made; a failed one has nothing to close.
      void connection.then(
        (late) => late.close(),
        () => undefined,
      );
    }
  }

  private async run(): Promise<void> {
    const nc = await this.connection!;
    if (this.stopped) return;
    const { stream, consumer } = await this.setUp(nc);
    if (this.stopped) return;
    const pull = await jetstream(nc).consumers.get(stream, consumer);
    this.messages = await pull.consume({ max_messages: 64, expires: PULL_EXPIRES_MS });
    if (this.stopped) await this.messages.close();
    for await (const message of this.messages) await this.handle(message);
  }

  /** Retries until the stream and consumer exist: JetStream may be starting up, or briefly unavailable. */
  private async setUp(nc: NatsConnection): Promise<{ stream: string; consumer: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ensureAnalyticsConsumer(await jetstreamManager(nc), this.options.subjectPrefix, { replicas: this.options.streamReplicas });
      } catch (error) {
        if (this.stopped) throw error;
        this.options.log.warn(`analytics stream set-up failed (attempt ${attempt}): ${describe(error)}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(SETUP_RETRY_MAX_MS, 250 * 2 ** Math.min(attempt, 6))));
      }
    }
  }

  private async handle(message: JsMsg): Promise<void> {
    let batch: AnalyticsBatch;
    try {
      const parsed = analyticsBatchSchema.safeParse(message.json());
      if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      batch = parsed.data;
    } catch (error) {
      // Redelivering a malformed batch can never succeed.
      this.options.log.error(`analytics batch (stream seq ${message.seq}) refused: ${describe(error)}`);
      message.term();
      return;
    }
    try {
      await this.options.store(batch);
    } catch (error) {
      this.options.log.warn(`analytics batch ${batch.batch_id} not stored, will be redelivered: ${describe(error)}`);
      message.nak(nakDelayMs(message.info.deliveryCount));
      return;
    }
    // Only after the commit: a crash before this line means a redelivery, which the store recognises.
    message.ack();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
