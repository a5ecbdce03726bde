import { errorBody, statusOf, type ErrorCode, type ErrorDetail } from '@portcullis/errors';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { requestTargetProblem } from './request-target.js';

/** Node's parser error codes (llhttp) that are not "the request is malformed". */
const codeByParserError: Record<string, ErrorCode> = {
  HPE_HEADER_OVERFLOW: 'headers_too_large',
  ERR_HTTP_REQUEST_TIMEOUT: 'request_timeout',
  HPE_HEADERS_TIMEOUT: 'request_timeout',
};

/** A complete HTTP/1.1 answer carrying the error body, for a socket no response object owns. */
function rawAnswer(code: ErrorCode): string {
  const body = JSON.stringify(errorBody(code));
  const status = statusOf(code);
  return `HTTP/1.1 ${status} ${code.replace(/_/g, ' ')}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
const prepared = new Map<ErrorCode, string>((['malformed_request', 'request_timeout', 'headers_too_large'] as const).map((code) => [code, rawAnswer(code)]));

/**
 * Requests Node's parser refuses (CL+TE smuggling, a bare CR or LF or NUL in a header, obsolete line
 * folding, invalid Content-Length or chunk sizes, oversized headers) get the one error body too:
 * Node's default is a bare `400 Bad Request` with no body. The connection is then closed, so
 * nothing after the bad bytes is ever read as a second request (RFC 9112 §6.3, §11.2).
 */
export function answerClientErrors(server: Server): void {
  // Node answers an HTTP/1.1 request without Host with a bare 400 before any listener sees it;
  // requestTargetProblem refuses it instead, with the body.
  (server as Server & { requireHostHeader: boolean }).requireHostHeader = false;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    // ECONNRESET and the like: the client is gone, there is no one to answer.
    if (error.code === 'ECONNRESET' || error.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    socket.end(prepared.get(codeByParserError[error.code ?? ''] ?? 'malformed_request'));
  });
}

/** Answers a request whose target or Host is refused (see request-target.ts): a 400 naming the field. */
export function refuseRequestTarget(req: IncomingMessage, res: ServerResponse): boolean {
  const problem = requestTargetProblem(req);
  if (problem === null) return false;
  const details: ErrorDetail[] = [{ field: problem.field, message: problem.message }];
  const body = JSON.stringify(errorBody('malformed_request', problem.message, details));
  res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
  return true;
}

/**
 * The HTTP-layer checks of a Nest service's server, in front of whatever listens for requests
 * (Express, and the auth service's own token listener): parser errors answered in the error shape,
 * request targets and Host checked before any route runs.
 */
export function guardHttpServer(server: Server): void {
  answerClientErrors(server);
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (refuseRequestTarget(req, res)) return;
    for (const listener of listeners) listener(req, res);
  });
}
