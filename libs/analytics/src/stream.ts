import { AckPolicy, DeliverPolicy, JetStreamApiCodes, JetStreamApiError, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { analyticsStream, subjects } from '@portcullis/contracts';

/** How long JetStream keeps batches nobody has consumed (the registry's longest tolerated outage). */
export const ANALYTICS_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Window in which JetStream drops a re-publish with the same msgID (the batch_id). */
export const ANALYTICS_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;
/** How long the registry may hold a batch before JetStream hands it out again. */
export const ANALYTICS_ACK_WAIT_MS = 30_000;

const nanos = (ms: number) => ms * 1_000_000;

/** Where this deployment's batches are published (the bus prefix keeps deployments and test runs apart). */
export function analyticsSubject(subjectPrefix: string): string {
  return subjectPrefix + subjects.analyticsRecords;
}

/**
 * The stream's name for this prefix: streams may not share subjects, so every prefix gets its own
 * stream (stream names may not contain dots).
 */
export function analyticsStreamName(subjectPrefix: string): string {
  const suffix = subjectPrefix.replace(/\.+$/, '').replace(/\./g, '_');
  return suffix ? `${analyticsStream.name}_${suffix}` : analyticsStream.name;
}

function isCode(error: unknown, ...codes: number[]): boolean {
  return error instanceof JetStreamApiError && codes.includes(error.code);
}

export interface AnalyticsStreamOptions {
  /** NATS_STREAM_REPLICAS: copies the JetStream cluster keeps (1 on a single server). */
  replicas?: number;
  /** How long unconsumed batches are kept. */
  maxAgeMs?: number;
}

/**
 * Creates the analytics stream unless it exists. Publisher and consumer both call it, whichever
 * connects first; two racing creators both succeed (the loser finds the stream already there).
 * An existing stream with another replica count is updated to this one: raising
 * NATS_STREAM_REPLICAS after moving to a JetStream cluster takes effect at the next start, and
 * NATS copies the stream's messages to the new replicas itself.
 */
export async function ensureAnalyticsStream(jsm: JetStreamManager, subjectPrefix: string, options: AnalyticsStreamOptions = {}): Promise<string> {
  const name = analyticsStreamName(subjectPrefix);
  const replicas = options.replicas ?? 1;
  try {
    const { config } = await jsm.streams.info(name);
    if (config.num_replicas !== replicas) await jsm.streams.update(name, { ...config, num_replicas: replicas });
    return name;
  } catch (error) {
    if (!isCode(error, JetStreamApiCodes.StreamNotFound)) throw error;
  }
  try {
    await jsm.streams.add({
      name,
      subjects: [analyticsSubject(subjectPrefix)],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(options.maxAgeMs ?? ANALYTICS_MAX_AGE_MS),
      duplicate_window: nanos(ANALYTICS_DUPLICATE_WINDOW_MS),
      num_replicas: replicas,
    });
  } catch (error) {
    // Created meanwhile by the other side: same configuration, so nothing to do.
    await jsm.streams.info(name).catch(() => {
      throw error;
    });
  }
  return name;
}

/** The registry's durable pull consumer: explicit acks, so a batch counts as delivered only once stored. */
export async function ensureAnalyticsConsumer(
  jsm: JetStreamManager,
  subjectPrefix: string,
  streamOptions: AnalyticsStreamOptions = {},
): Promise<{ stream: string; consumer: string }> {
  const stream = await ensureAnalyticsStream(jsm, subjectPrefix, streamOptions);
  const consumer = analyticsStream.durableConsumer;
  try {
    await jsm.consumers.info(stream, consumer);
  } catch (error) {
    if (!isCode(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    await jsm.consumers.add(stream, {
      durable_name: consumer,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(ANALYTICS_ACK_WAIT_MS),
      max_deliver: -1,
      filter_subject: analyticsSubject(subjectPrefix),
    });
  }
  return { stream, consumer };
}
