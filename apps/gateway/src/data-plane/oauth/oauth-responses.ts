import { errorBody, statusOf, type ErrorCode, type ErrorDetail } from '@portcullis/errors';
import { respond, type RespondResult } from '../step.js';

/** RFC 6749 §5.1/§5.2: token-endpoint answers are never cached, errors included. */
const noStore = ['cache-control', 'no-store', 'pragma', 'no-cache'];

function json(status: number, value: unknown, extra: readonly string[] = []): RespondResult {
  const body = Buffer.from(JSON.stringify(value));
  return respond(status, ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length), ...extra], body);
}

/** An RFC 6749 §5.2 error as the gateway's own answer (the auth service could not be asked). */
export function oauthError(status: number, error: string, description?: string, extra: readonly string[] = []): RespondResult {
  return json(status, description === undefined ? { error } : { error, error_description: description }, [...noStore, ...extra]);
}

// Prepared once: the answers the gateway gives on its own.
export const tokenBodyTooLarge = oauthError(413, 'invalid_request', 'The request body is too large', ['connection', 'close']);
export const tokenBodyUnreadable = oauthError(400, 'invalid_request', 'The request body could not be read');
export const authServiceUnavailable = oauthError(503, 'temporarily_unavailable');
export const authServiceFailed = oauthError(500, 'server_error');

/** Tyk's error shape (as /tyk/ answers it) for authorize-client, which Tyk serves on the API's path. */
export function tykError(code: ErrorCode, message?: string, details?: ErrorDetail[], extra: readonly string[] = []): RespondResult {
  const body = errorBody(code, message, details);
  return json(statusOf(code), { status: 'error', message: body.message, error: body.error, ...(body.details ? { details: body.details } : {}) }, extra);
}

export function tykJson(status: number, value: unknown): RespondResult {
  return json(status, value);
}

/** The auth service's HTTP answer, written out as it is (its headers, plus the length). */
export function fromHttpReply(reply: { status: number; headers: Record<string, string>; body: string }): RespondResult {
  const body = Buffer.from(reply.body);
  const headers: string[] = [];
  for (const name in reply.headers) {
    const lower = name.toLowerCase();
    if (lower === 'content-length' || lower === 'connection' || lower === 'transfer-encoding') continue;
    headers.push(name, String(reply.headers[name]));
  }
  headers.push('content-length', String(body.length));
  return respond(reply.status, headers, body);
}

export function methodNotAllowed(allow: string): RespondResult {
  const body = Buffer.from(JSON.stringify(errorBody('method_not_allowed')));
  return respond(405, ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length), 'allow', allow], body);
}
