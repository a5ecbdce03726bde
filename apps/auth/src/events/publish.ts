import type { Logger } from '@nestjs/common';
import type { Bus, BusEvent } from '@portcullis/bus';
import type { EventOf, EventSubject } from '@portcullis/contracts';

/** Publishes one event as best effort (Bus.publishBestEffort): logged, never thrown, waited for at most 2 s. */
export function publishQuietly<K extends EventSubject>(bus: Bus, subject: K, payload: EventOf<K>, logger: Logger): Promise<void> {
  return bus.publishBestEffort([{ subject, payload } as BusEvent], subject, logger);
}

/**
 * Publishes an event nobody waits for (the token endpoint's `auth.token.issued`): no timer, no
 * controller per call, just a log line if it fails. Events published in the same tick leave
 * together: the NATS client writes everything queued before its flush microtask in one socket write.
 */
export function publishInBackground<K extends EventSubject>(bus: Bus, subject: K, payload: EventOf<K>, logger: Logger): void {
  bus
    .publish(subject, payload)
    .catch((error: unknown) => logger.warn(`could not publish ${subject}: ${error instanceof Error ? error.message : String(error)}`));
}
