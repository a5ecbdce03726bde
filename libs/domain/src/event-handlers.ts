import type { ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's `event_handlers` (classic format): `{"events": {"BreakerTripped": [{"handler_name": ...,
 * "handler_meta": {...}}]}}`, read once for definition validation (each bad field named) and for the
 * gateway's compilation, so both agree on what a handler means.
 */

/** The events Portcullis raises about a refused request, with Tyk's names (Tyk spells the rate limit one `RatelimitExceeded`). */
export const REQUEST_EVENTS = ['QuotaExceeded', 'RatelimitExceeded', 'AuthFailure', 'KeyExpired'] as const;
export type RequestEvent = (typeof REQUEST_EVENTS)[number];

/** The events Portcullis raises, with Tyk's names and meaning. */
export const RAISED_EVENTS = ['BreakerTripped', 'BreakerReset', 'BreakerTriggered', 'HostDown', 'HostUp', ...REQUEST_EVENTS] as const;
export type RaisedEvent = (typeof RAISED_EVENTS)[number];

/**
 * Tyk events that Portcullis accepts in a definition but does not raise (yet): a handler for one is
 * kept and listed as ignored in the compatibility report. Events only notify: none lets a request
 * through.
 */
export const UNRAISED_EVENTS = [
  'VersionFailure',
  'OrgQuotaExceeded',
  'OrgRateLimitExceeded',
  'TriggerExceeded',
  'TokenCreated',
  'TokenUpdated',
  'TokenDeleted',
] as const;

export const WEBHOOK_HANDLER = 'eh_web_hook_handler';
export const LOG_HANDLER = 'eh_log_handler';
/** Tyk's handlers that run the user's own code (JavaScript, coprocess): refused like custom_middleware. */
const CODE_HANDLERS = new Set(['eh_js_handler', 'cp_dynamic_handler']);
/** Tyk's webhook methods (getRequestMethod); Tyk falls back to GET for another, Portcullis refuses it. */
const WEBHOOK_METHODS = new Set(['GET', 'PUT', 'POST', 'PATCH', 'DELETE']);
/** The longest cooldown accepted: a day. */
const MAX_COOLDOWN_SECONDS = 86_400;

export interface WebhookSpec {
  readonly kind: 'webhook';
  readonly method: string;
  readonly targetUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Tyk's `event_timeout`: seconds during which an identical request (same method, URL, headers, body) is not sent again. */
  readonly cooldownSeconds: number;
}

export interface LogHandlerSpec {
  readonly kind: 'log';
  readonly prefix: string;
}

export type EventHandlerSpec = WebhookSpec | LogHandlerSpec;

/** The handlers of each raised event; events Portcullis does not raise are left out. */
export type EventHandlersSpec = ReadonlyMap<RaisedEvent, readonly EventHandlerSpec[]>;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const raised = new Set<string>(RAISED_EVENTS);
const known = new Set<string>([...RAISED_EVENTS, ...UNRAISED_EVENTS]);

function readWebhook(meta: unknown, at: string, errors: ErrorDetail[]): WebhookSpec | null {
  if (!isObject(meta)) {
    errors.push({ field: at, message: 'must be an object' });
    return null;
  }
  const before = errors.length;
  const { method, target_path: target, header_map: headers, event_timeout: cooldown, template_path: template } = meta;
  if (method !== undefined && method !== '' && (typeof method !== 'string' || !WEBHOOK_METHODS.has(method.toUpperCase()))) {
    errors.push({ field: `${at}.method`, message: 'must be one of GET, PUT, POST, PATCH, DELETE' });
  }
  let url: URL | null;
  try {
    url = typeof target === 'string' ? new URL(target) : null;
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    errors.push({ field: `${at}.target_path`, message: 'must be an absolute http:// or https:// URL' });
  } else if (url.username !== '' || url.password !== '') {
    errors.push({ field: `${at}.target_path`, message: 'must carry no credentials: send them in header_map' });
  } else if ((target as string).length > 2048) {
    errors.push({ field: `${at}.target_path`, message: 'must be at most 2048 characters' });
  }
  if (headers !== undefined && headers !== null) {
    if (!isObject(headers)) errors.push({ field: `${at}.header_map`, message: 'must be an object of header names to strings' });
    else {
      for (const [name, value] of Object.entries(headers)) {
        if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) errors.push({ field: `${at}.header_map.${name}`, message: 'must be a valid header name' });
        else if (typeof value !== 'string' || /[\r\n\0]/.test(value))
          errors.push({ field: `${at}.header_map.${name}`, message: 'must be a string without line breaks' });
      }
    }
  }
  if (cooldown !== undefined && (typeof cooldown !== 'number' || !Number.isFinite(cooldown) || cooldown < 0 || cooldown > MAX_COOLDOWN_SECONDS)) {
    errors.push({ field: `${at}.event_timeout`, message: `must be seconds from 0 to ${MAX_COOLDOWN_SECONDS} (the cooldown between identical events)` });
  }
  if (template !== undefined && typeof template !== 'string') errors.push({ field: `${at}.template_path`, message: 'must be a string' });
  if (errors.length > before) return null;
  return {
    kind: 'webhook',
    method: typeof method === 'string' && method !== '' ? method.toUpperCase() : 'GET',
    targetUrl: target as string,
    headers: isObject(headers) ? (headers as Record<string, string>) : {},
    cooldownSeconds: typeof cooldown === 'number' ? cooldown : 0,
  };
}

function readHandler(entry: unknown, at: string, errors: ErrorDetail[]): EventHandlerSpec | null | 'disabled' {
  if (!isObject(entry)) {
    errors.push({ field: at, message: 'must be an object with handler_name and handler_meta' });
    return null;
  }
  const name = entry.handler_name;
  const meta = entry.handler_meta;
  if (name === WEBHOOK_HANDLER) {
    // Tyk skips a webhook whose handler_meta says disabled.
    if (isObject(meta) && meta.disabled === true) return 'disabled';
    return readWebhook(meta, `${at}.handler_meta`, errors);
  }
  if (name === LOG_HANDLER) {
    const prefix = isObject(meta) ? meta.prefix : undefined;
    if (meta !== undefined && meta !== null && !isObject(meta)) errors.push({ field: `${at}.handler_meta`, message: 'must be an object' });
    else if (prefix !== undefined && typeof prefix !== 'string') errors.push({ field: `${at}.handler_meta.prefix`, message: 'must be a string' });
    else return { kind: 'log', prefix: typeof prefix === 'string' ? prefix : '' };
    return null;
  }
  if (typeof name === 'string' && CODE_HANDLERS.has(name)) {
    errors.push({ field: `${at}.handler_name`, message: `not supported: ${name} runs custom code (JavaScript or coprocess); use ${WEBHOOK_HANDLER}` });
  } else {
    errors.push({ field: `${at}.handler_name`, message: `must be ${WEBHOOK_HANDLER} or ${LOG_HANDLER}` });
  }
  return null;
}

/** The handlers of a definition, or null when it has none; problems pushed to `errors`. */
export function readEventHandlers(definition: Record<string, unknown>, errors: ErrorDetail[]): EventHandlersSpec | null {
  const handlers = definition.event_handlers;
  if (handlers === undefined || handlers === null) return null;
  if (!isObject(handlers)) {
    errors.push({ field: 'event_handlers', message: 'must be an object with events' });
    return null;
  }
  const events = handlers.events;
  if (events === undefined || events === null) return null;
  if (!isObject(events)) {
    errors.push({ field: 'event_handlers.events', message: 'must be an object of event names to handler lists' });
    return null;
  }
  const spec = new Map<RaisedEvent, EventHandlerSpec[]>();
  for (const [event, list] of Object.entries(events)) {
    const at = `event_handlers.events.${event}`;
    if (!known.has(event)) {
      errors.push({ field: at, message: `is not a Tyk event: one of ${[...known].join(', ')}` });
      continue;
    }
    if (list === null) continue;
    if (!Array.isArray(list)) {
      errors.push({ field: at, message: 'must be an array of handlers' });
      continue;
    }
    const read: EventHandlerSpec[] = [];
    list.forEach((entry, index) => {
      const handler = readHandler(entry, `${at}.${index}`, errors);
      if (handler !== null && handler !== 'disabled') read.push(handler);
    });
    if (raised.has(event) && read.length > 0) spec.set(event as RaisedEvent, read);
  }
  return spec.size === 0 ? null : spec;
}

/** Every `event_handlers` problem, by field. */
export function eventHandlerErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  readEventHandlers(definition, errors);
  return errors;
}
