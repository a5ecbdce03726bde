import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { errorBody, PortcullisError, type ErrorBody, type ErrorCode } from '@portcullis/errors';
import type { Response } from 'express';
import { errorForLog } from '@portcullis/logging';

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

/** Maps anything thrown to a status and the one error body; the unexpected becomes a plain 500. */
export function toErrorResponse(exception: unknown, logger: Logger): { status: number; body: ErrorBody } {
  if (exception instanceof PortcullisError) return { status: exception.status, body: exception.toBody() };
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code = codeByStatus[status];
    if (code) return { status, body: errorBody(code) };
    if (status < 500) return { status, body: errorBody('validation_failed', exception.message) };
  }
  logger.error(errorForLog(exception));
  return { status: 500, body: errorBody('internal') };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorResponse(exception, this.logger);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.status(status).json(body);
  }
}
