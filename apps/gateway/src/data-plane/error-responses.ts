import { errorBody, errorCatalogue, type ErrorCode } from '@portcullis/errors';
import type { ServerResponse } from 'node:http';
import { respond, type RespondResult } from './step.js';

/** Headers of a JSON body of known length, for `writeHead`. */
export function jsonHeaders(body: Buffer): string[] {
  return ['content-type', 'application/json; charset=utf-8', 'content-length', String(body.length)];
}

/** `errorBody(code)` as a ready response, optionally with extra headers (e.g. WWW-Authenticate). */
export function errorResponse(code: ErrorCode, extraHeaders: readonly string[] = []): RespondResult {
  const body = Buffer.from(JSON.stringify(errorBody(code)));
  return respond(errorCatalogue[code].status, [...jsonHeaders(body), ...extraHeaders], body);
}

/**
 * A catalogue error with a message of its own (a refusal that names what is missing). Built when it
 * is answered: such refusals are rare, and the message varies with the credential.
 */
export function errorResponseSaying(code: ErrorCode, message: string): RespondResult {
  const body = Buffer.from(JSON.stringify(errorBody(code, message)));
  return respond(errorCatalogue[code].status, jsonHeaders(body), body);
}

// Every catalogue error answered on the data plane is serialised once, at start.
const prepared = new Map<ErrorCode, RespondResult>((Object.keys(errorCatalogue) as ErrorCode[]).map((code) => [code, errorResponse(code)]));

export function preparedError(code: ErrorCode): RespondResult {
  return prepared.get(code)!;
}

/**
 * A bug, not a request problem, met while answering `res`: a generic 500 if nothing was sent yet
 * (the details belong in the log, never in the answer), else the connection cut.
 */
export function answerInternalError(res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const response = preparedError('internal');
  res.writeHead(response.status, response.headers as string[]);
  res.end(response.body);
}
