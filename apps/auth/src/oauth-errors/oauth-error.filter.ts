import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { isBackendUnavailable, PortcullisError } from '@portcullis/errors';
import type { Response } from 'express';
import { OAuthError } from './oauth-error.js';
import { errorForLog, errorSummary } from '@portcullis/logging';

/** RFC 6749 §5.1/§5.2: token-endpoint answers, errors included, must not be cached. */
export function noStore(response: Response): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Pragma', 'no-cache');
}

/**
 * Renders everything thrown on an OAuth endpoint as an RFC 6749 §5.2 error. The unexpected becomes
 * `server_error` with no detail (the stack goes to the log only).
 */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = toOAuthError(exception, this.logger);
    if (response.headersSent) {
      response.destroy();
      return;
    }
    noStore(response);
    response.status(error.status).set(error.headers).json(error.toBody());
  }
}

export function toOAuthError(exception: unknown, logger: Logger): OAuthError {
  if (exception instanceof OAuthError) return exception;
  // The shared input check and bus replies speak the catalogue; here they become RFC 6749 codes.
  if (exception instanceof PortcullisError && exception.status < 500) {
    return exception.status === 401
      ? new OAuthError('invalid_client', exception.message)
      : new OAuthError('invalid_request', exception.message, { status: exception.status });
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return new OAuthError('invalid_request', undefined, { status: exception.getStatus() });
  }
  // RFC 6749 §5.2 temporarily_unavailable: the database (or a service behind the bus) is down; the
  // request may well succeed later, so no stack and no 500.
  if (isBackendUnavailable(exception) || (exception instanceof PortcullisError && exception.status === 503)) {
    logger.warn(`a backing service is unavailable: ${errorSummary(exception)}`);
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable, try again later');
  }
  logger.error(errorForLog(exception));
  return new OAuthError('server_error');
}
