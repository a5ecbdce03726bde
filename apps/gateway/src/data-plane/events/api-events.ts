import type { ApiDefinition, EventHandlerSpec, RaisedEvent, RequestEvent } from '@portcullis/domain';
import type { ClientAddress } from '../client-address.js';
import type { RequestContext } from '../request-context.js';
import { readEventHandlers } from '@portcullis/domain';
import { defaultWebhookBody, type EventMeta } from './event-body.js';
import type { EventDispatcher } from './event-dispatcher.js';

/** Where an API's events go: the gateway's webhook dispatcher and the log of eh_log_handler. */
export interface EventSink {
  readonly dispatcher: EventDispatcher;
  readonly log: (line: string) => void;
}

/**
 * One API's event handlers, compiled: only APIs with handlers for an event Portcullis raises get
 * one (others have null and raise nothing). Firing formats the body and queues; it never waits.
 */
export class ApiEvents {
  constructor(
    readonly apiId: string,
    private readonly handlers: ReadonlyMap<RaisedEvent, readonly EventHandlerSpec[]>,
    private readonly sink: EventSink,
    /** Finds the client's address for request events (TRUSTED_PROXIES); absent: the socket's. */
    private readonly clientAddress: ClientAddress | null = null,
  ) {}

  /** Where a refused request came from (Tyk's Origin). */
  origin(ctx: RequestContext): string {
    return (this.clientAddress === null ? ctx.req.socket.remoteAddress : this.clientAddress.of(ctx.req)) ?? '';
  }

  has(event: RaisedEvent): boolean {
    return this.handlers.has(event);
  }

  fire(event: RaisedEvent, meta: EventMeta): void {
    const handlers = this.handlers.get(event);
    if (handlers === undefined) return;
    let body: string | null = null;
    for (const handler of handlers) {
      if (handler.kind === 'log') {
        // Tyk's log handler: prefix:Event, with the breaker's API and path.
        this.sink.log(`${handler.prefix}:${event}:${meta.apiId}${meta.path !== undefined ? `:${meta.path}` : ''}: ${meta.message}`);
        continue;
      }
      body ??= defaultWebhookBody(event, meta);
      this.sink.dispatcher.enqueue({ event, apiId: this.apiId, webhook: handler, body });
    }
  }
}

/** An API's handlers, or null when it has none for an event Portcullis raises (or no sink: tests). */
export function compileEvents(api: ApiDefinition, sink: EventSink | undefined, clientAddress: ClientAddress | null = null): ApiEvents | null {
  if (sink === undefined) return null;
  // Validation refused bad handlers; one that slipped in (an old stored definition) is skipped.
  const handlers = readEventHandlers(api as unknown as Record<string, unknown>, []);
  return handlers === null ? null : new ApiEvents(api.api_id, handlers, sink, clientAddress);
}

/** Tyk's messages for the request events. */
const requestMessages: Record<RequestEvent, string> = {
  QuotaExceeded: 'Key Quota Limit Exceeded',
  RatelimitExceeded: 'Key Rate Limit Exceeded',
  AuthFailure: 'Auth Failure',
  KeyExpired: 'Key has expired, please renew',
};

/**
 * Raised where a step refuses a request: an API with no handler for `event` (nearly all) pays one
 * null check on its refusal path, nothing on the path of requests that pass.
 */
export function fireRequestEvent(ctx: RequestContext, event: RequestEvent, key: string = ctx.identity?.id ?? ''): void {
  const events = ctx.api?.events;
  if (events === null || events === undefined || !events.has(event)) return;
  events.fire(event, { apiId: events.apiId, message: requestMessages[event], path: ctx.path, origin: events.origin(ctx), key });
}
