import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { OAuthError } from './oauth-error.js';

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
    response.set(error.headers());
    response.status(error.status).json(error.toBody());
  }
}

export function toOAuthError(exception: unknown, logger: Logger): OAuthError {
  if (exception instanceof OAuthError) return exception;
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return new OAuthError('invalid_request', undefined, { status: exception.getStatus() });
  }
  logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
  return new OAuthError('server_error');
}
