import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorBody, isBackendUnavailable, PortcullisError, RETRY_AFTER_SECONDS, type ErrorBody, type ErrorCode } from '@portcullis/errors';
import type { Response } from 'express';
import { adminChallenges } from './admin-secret.guard.js';
import { errorForLog, errorSummary } from '@portcullis/logging';

const codeByStatus: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'unauthorized',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  503: 'service_unavailable',
};

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/**
 * Maps anything thrown to a status, the one error body and the headers its status calls for; the
 * unexpected becomes a plain 500. `challenge` is the surface's WWW-Authenticate (RFC 9110 §15.5.2:
 * every 401 carries one, whatever produced it: a guard, a bus reply, a handler).
 */
export function toErrorResponse(exception: unknown, logger: Logger, challenge: string = adminChallenges.bearer): ErrorResponse {
  const { status, body } = classify(exception, logger);
  return { status, body, headers: headersFor(status, challenge) };
}

/** RFC 9110 §10.2.3: a 503 says when to come back. */
export function headersFor(status: number, challenge: string): Record<string, string> {
  if (status === 401) return { 'WWW-Authenticate': challenge };
  if (status === 503) return { 'Retry-After': String(RETRY_AFTER_SECONDS) };
  return {};
}

function classify(exception: unknown, logger: Logger): { status: number; body: ErrorBody } {
  if (exception instanceof PortcullisError) return { status: exception.status, body: exception.toBody() };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeByStatus[status];
    if (code) return { status, body: errorBody(code) };
    if (status < 500) return { status, body: errorBody('validation_failed', exception.message) };
  }
  // The database is down or unreachable: not a bug, and not the caller's fault; no stack.
  if (isBackendUnavailable(exception)) {
    logger.warn(`a backing service is unavailable: ${errorSummary(exception)}`);
    return { status: 503, body: errorBody('service_unavailable') };
  }
  logger.error(errorForLog(exception));
  return { status: 500, body: errorBody('internal') };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = toErrorResponse(exception, this.logger);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).set(headers).json(body);
  }
}
