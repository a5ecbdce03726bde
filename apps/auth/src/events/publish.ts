import type { Logger } from '@nestjs/common';
import type { Bus } from '@portcullis/bus';
import type { EventOf, EventSubject } from '@portcullis/contracts';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * How long an answer waits for its event to leave. Events are best effort for the caller (gateways
 * also learn from expiry and resyncs), so a bus that is down must not hold up a token response.
 */
const PUBLISH_WAIT_MS = 2_000;

/** Publishes an event; logs (never throws) when it fails, and stops waiting after PUBLISH_WAIT_MS. */
export async function publishQuietly<K extends EventSubject>(bus: Bus, subject: K, payload: EventOf<K>, logger: Logger): Promise<void> {
  const published = bus.publish(subject, payload).then(
    () => true,
    (error: unknown) => {
      logger.warn(`could not publish ${subject}: ${error instanceof Error ? error.message : String(error)}`);
      return true;
    },
  );
  const waited = new AbortController();
  const sent = await Promise.race([published, delay(PUBLISH_WAIT_MS, false, { signal: waited.signal }).catch(() => false)]);
  waited.abort();
  if (!sent) logger.warn(`publishing ${subject} is taking over ${PUBLISH_WAIT_MS} ms; not waiting for it`);
}

/**
 * Publishes an event nobody waits for (the token endpoint's `auth.token.issued`): no timer, no
 * controller per call, just a log line if it fails. Events published in the same tick leave
 * together: the NATS client writes everything queued before its flush microtask in one socket write.
 */
export function publishInBackground<K extends EventSubject>(bus: Bus, subject: K, payload: EventOf<K>, logger: Logger): void {
  bus.publish(subject, payload).catch((error: unknown) => logger.warn(`could not publish ${subject}: ${error instanceof Error ? error.message : String(error)}`));
}
