import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EventOf, EventSubject, Reply, ReplyOf, RequestOf, RequestSubject } from '@portcullis/contracts';
import { PortcullisError, isBackendUnavailable, isErrorCode } from '@portcullis/errors';
import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { transportMaxPayload, type BusTransport } from './transport.js';
import { messagePieceBytes } from './message-size.js';
import { errorForLog, errorSummary } from '@portcullis/logging';
import { setTimeout as delay } from 'node:timers/promises';

export const BUS_TRANSPORT = Symbol('BUS_TRANSPORT');

export const DEFAULT_REQUEST_TIMEOUT_MS = 5_000;

/**
 * How long a write's answer waits for the events announcing it to leave. They are best effort for
 * the caller (a gateway that misses one sees the revision gap and fetches a snapshot; cached
 * credentials also expire), so a bus that is down must not hold up the answer.
 */
export const BEST_EFFORT_PUBLISH_WAIT_MS = 2_000;

/** One event to publish: a subject and its payload, typed together. */
export type BusEvent = { [K in EventSubject]: { readonly subject: K; readonly payload: EventOf<K> } }[EventSubject];

export interface WarnLogger {
  warn(message: string): void;
}

/**
 * The typed face of the message bus. Subjects and payload types come from the contracts library,
 * so a request and its handler agree at compile time; a failure reply becomes a PortcullisError
 * with the same code the answering service chose.
 */
@Injectable()
export class Bus implements OnApplicationShutdown {
  private readonly logger = new Logger(Bus.name);

  constructor(@Inject(BUS_TRANSPORT) private readonly transport: BusTransport) {}

  /** Connection state of the subscriptions this service answers and listens on. */
  get status(): Observable<string> {
    return this.transport.server.status;
  }

  get kind(): BusTransport['kind'] {
    return this.transport.kind;
  }

  /** The connected NATS server's max_payload, now (a reconnect may change it); undefined in-process: no limit. */
  maxPayloadBytes(): number | undefined {
    return transportMaxPayload(this.transport);
  }

  /**
   * How much one piece of a message cut to fit the bus may carry (a snapshot page, a batch event):
   * ask at the time of cutting, since a reconnect to another server may change the limit.
   */
  messagePieceBytes(): number {
    return messagePieceBytes(this.maxPayloadBytes());
  }

  async request<K extends RequestSubject>(subject: K, payload: RequestOf<K>, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<ReplyOf<K>> {
    let reply: Reply<ReplyOf<K>>;
    try {
      reply = await firstValueFrom(this.transport.client.send<Reply<ReplyOf<K>>>(subject, payload).pipe(timeout(timeoutMs)));
    } catch (error) {
      this.logger.warn(`request ${subject} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new PortcullisError('service_unavailable');
    }
    if (!reply || typeof reply !== 'object' || !('ok' in reply)) throw new PortcullisError('internal');
    if (reply.ok) return reply.value;
    const code = isErrorCode(reply.error?.error) ? reply.error.error : 'internal';
    throw new PortcullisError(code, reply.error?.message, reply.error?.details);
  }

  async publish<K extends EventSubject>(subject: K, payload: EventOf<K>): Promise<void> {
    await firstValueFrom(this.transport.client.emit(subject, payload), { defaultValue: undefined });
  }

  /**
   * Publishes the events that announce a committed write: a failure is logged as a warning, never
   * thrown (the write stands whatever the bus does), and the caller waits at most `waitMs`. `what`
   * names the change in the log lines ("updated of API orders (revision 7)").
   */
  async publishBestEffort(events: readonly BusEvent[], what: string, logger: WarnLogger, waitMs = BEST_EFFORT_PUBLISH_WAIT_MS): Promise<void> {
    const published = Promise.all(
      events.map((event) =>
        this.publish(event.subject, event.payload as never).catch((error: unknown) => {
          logger.warn(`could not publish ${what}: ${error instanceof Error ? error.message : String(error)}`);
        }),
      ),
    ).then(() => true);
    const waited = new AbortController();
    const sent = await Promise.race([published, delay(waitMs, false, { signal: waited.signal }).catch(() => false)]);
    waited.abort();
    if (!sent) logger.warn(`publishing ${what} is taking over ${waitMs} ms; not waiting for it`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.client.close();
  }
}

/**
 * Runs a request handler and turns its outcome into a Reply: deliberate failures keep their code,
 * a database that cannot be reached becomes `service_unavailable` (the asker answers 503 and
 * Retry-After), anything else unexpected `internal` (its details go to the log, never over the wire).
 */
export async function replyFrom<T>(work: () => Promise<T> | T, logger?: Logger): Promise<Reply<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof PortcullisError) return { ok: false, error: error.toBody() };
    if (isBackendUnavailable(error)) {
      (logger ?? new Logger('Bus')).warn(`a backing service is unavailable: ${errorSummary(error)}`);
      return { ok: false, error: new PortcullisError('service_unavailable').toBody() };
    }
    (logger ?? new Logger('Bus')).error(errorForLog(error));
    return { ok: false, error: new PortcullisError('internal').toBody() };
  }
}
