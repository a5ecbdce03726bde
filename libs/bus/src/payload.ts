import { checkPayload, eventSchemas, requestSchemas, type EventOf, type EventSubject, type RequestOf, type RequestSubject } from '@portcullis/contracts';
import { PortcullisError, type ErrorCode } from '@portcullis/errors';
import type { WarnLogger } from './bus.js';

/**
 * A request's payload, parsed with its subject's schema. A request from another service is still
 * input: a malformed one is the sender's mistake, refused (inside `replyFrom`) with `code` naming
 * each bad field.
 */
export function requestPayload<K extends RequestSubject>(subject: K, payload: unknown, code: ErrorCode = 'validation_failed'): RequestOf<K> {
  const checked = checkPayload(requestSchemas[subject], payload);
  if (checked.ok) return checked.value;
  throw new PortcullisError(code, undefined, checked.problems);
}

/**
 * An event's payload, parsed with its subject's schema; undefined for a malformed one, which is
 * logged (subject and fields, never values) and dropped, never applied.
 */
export function eventPayload<K extends EventSubject>(subject: K, payload: unknown, logger: WarnLogger): EventOf<K> | undefined {
  const checked = checkPayload(eventSchemas[subject], payload);
  if (checked.ok) return checked.value;
  logger.warn(`ignored a malformed ${subject} event (${checked.problems.map((problem) => problem.field).join(', ')})`);
  return undefined;
}

/**
 * `logger`, saying only its first warning: for events a misbehaving peer sends every second (a
 * heartbeat), where one line says it all and the rest would drown the log.
 */
export function warnOnce(logger: WarnLogger): WarnLogger {
  let warned = false;
  return {
    warn: (message: string) => {
      if (!warned) logger.warn(message);
      warned = true;
    },
  };
}
