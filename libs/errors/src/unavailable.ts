/**
 * How long a client is asked to wait (RFC 9110 §10.2.3 Retry-After, in seconds) when a service this
 * request needs is down: long enough for a database restart or failover to be noticed.
 */
export const RETRY_AFTER_SECONDS = 5;

/** Socket-level failures: the peer refused, reset or never answered. */
const connectionErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * PostgreSQL SQLSTATEs meaning "not now" rather than "not this": class 08 (connection exception),
 * 57P01-57P03 (shut down, crashed, starting up), 53300 (too many connections).
 */
const unavailableSqlStates = new Set(['57P01', '57P02', '57P03', '53300']);

/** What `pg` and TypeORM say, without a code, when the connection is gone or the pool is closed. */
const connectionMessages = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Cannot use a pool after calling end/,
  /is not queryable/,
  /Driver not Connected/i,
  /Connection is not established/i,
];

/**
 * Whether a thrown error says a backing service (PostgreSQL) is unreachable, not that the request
 * was wrong: the error filters answer it with 503 and Retry-After instead of a 500. Looks through
 * TypeORM's `driverError`, `cause` and the `errors` of an AggregateError (Node's connect to several
 * addresses).
 */
export function isBackendUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || error === null || typeof error !== 'object') return false;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string' && (connectionErrnos.has(code) || unavailableSqlStates.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  if (typeof message === 'string' && connectionMessages.some((pattern) => pattern.test(message))) return true;
  const inner: unknown[] = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return inner.some((candidate) => candidate !== error && isBackendUnavailable(candidate, depth + 1));
}
