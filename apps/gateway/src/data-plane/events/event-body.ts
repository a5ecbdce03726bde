import type { RaisedEvent } from '@portcullis/domain';

/** What an event carries (Tyk's event metadata), for handlers and the webhook body. */
export interface EventMeta {
  readonly apiId: string;
  /** A human-readable account of what happened. */
  readonly message: string;
  /** Breaker events: the breaker's path (Tyk's Path); HostDown / HostUp: unset. */
  readonly path?: string;
  /**
   * Breaker events: rubyist/circuitbreaker's BreakerEvent, which Tyk passes as CircuitEvent
   * (0 tripped, 1 reset).
   */
  readonly circuitEvent?: number;
  /** Request events: the client's address (Tyk's Origin). */
  readonly origin?: string;
  /** Request events: the caller's identity, a hash (a key's SHA-256), never the credential (Tyk sends the key). */
  readonly key?: string;
  /** HostDown / HostUp: Tyk's HostInfo (the check's URL, its status, whether the connection failed, the host). */
  readonly host?: { readonly checkUrl: string; readonly responseCode: number; readonly tcpError: boolean; readonly hostName: string };
}

/**
 * The body Tyk sends when a webhook has no template (its templates/default_webhook.json), by event:
 * host events with the check's details, request events with path, origin and key, breaker events with the API and path (Tyk's template keys
 * that shape on BreakerTriggered; its catch-all shape reads Origin and Key, which breaker events lack,
 * so BreakerTripped / BreakerReset take the breaker shape here). Values are strings, as Tyk's template quotes them.
 */
export function defaultWebhookBody(event: RaisedEvent, meta: EventMeta): string {
  if (event === 'HostDown' || event === 'HostUp') {
    return JSON.stringify({
      event,
      message: meta.message,
      url: meta.host?.checkUrl ?? '',
      response_code: String(meta.host?.responseCode ?? 0),
      tcp_error: String(meta.host?.tcpError ?? false),
      host: meta.host?.hostName ?? '',
      api_id: meta.apiId,
    });
  }
  if (event === 'BreakerTripped' || event === 'BreakerReset' || event === 'BreakerTriggered') {
    return JSON.stringify({ event, message: meta.message, api_id: meta.apiId, path: meta.path ?? '', Status: String(meta.circuitEvent ?? '') });
  }
  return JSON.stringify({ event, message: meta.message, path: meta.path ?? '', origin: meta.origin ?? '', key: meta.key ?? '' });
}
