import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { isBackendUnavailable, PortcullisError, RETRY_AFTER_SECONDS } from '@portcullis/errors';
import { errorForLog, errorSummary } from '@portcullis/logging';
import type { Request, Response } from 'express';
import { ConsoleCsrfRejected, identifiedVisit, SignInRequired } from '../session/console-operators.js';
import { renderConsoleView } from './console-views.js';
import { safeConsoleNext } from './safe-console-next.js';

const headings: Record<number, string> = {
  400: 'Something is wrong with that request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That conflicts with what exists',
  502: 'A service did not answer as expected',
  503: 'A service is unavailable',
};

/**
 * Failures on console pages as pages, in the console's frame, with the service's own message (never
 * a stack or an ORM message: anything unexpected is a plain 500 page and the details go to the log).
 * A page asked for without a session sends the browser to sign in, and back afterwards.
 */
@Catch()
export class ConsolePageFilter implements ExceptionFilter {
  private readonly logger = new Logger('ConsolePages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (exception instanceof SignInRequired) {
      const next = req.method === 'GET' ? safeConsoleNext(req.originalUrl, '') : '';
      return void res.redirect(303, next && next !== '/console' ? `/console/sign-in?next=${encodeURIComponent(next)}` : '/console/sign-in');
    }
    const { status, message, details } = describe(exception, this.logger);
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const visit = identifiedVisit(req);
    const heading =
      status === 403 && exception instanceof ConsoleCsrfRejected
        ? 'This form has expired'
        : (headings[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work'));
    res
      .status(status)
      .type('html')
      .send(renderConsoleView('message', { title: heading, operator: visit?.operator ?? null, csrf: visit?.csrf ?? '', heading, message, details }));
  }
}

function describe(exception: unknown, logger: Logger): { status: number; message: string; details: { field?: string; message: string }[] } {
  if (exception instanceof ConsoleCsrfRejected) {
    return {
      status: 403,
      message: 'The form was not sent from this page, or it was open too long ago. Go back, reload the page and send it again.',
      details: [],
    };
  }
  if (exception instanceof PortcullisError) {
    if (exception.status >= 500 && exception.code === 'internal') logger.error(errorForLog(exception));
    return { status: exception.status, message: exception.message, details: exception.details ?? [] };
  }
  if (exception instanceof HttpException && exception.getStatus() < 500) {
    return {
      status: exception.getStatus(),
      message: exception.getStatus() === 404 ? 'There is nothing at this address.' : 'The request is not valid.',
      details: [],
    };
  }
  if (isBackendUnavailable(exception)) {
    logger.warn(`a backing service is unavailable: ${errorSummary(exception)}`);
    return { status: 503, message: 'The console cannot reach a service it needs just now. Try again in a moment.', details: [] };
  }
  logger.error(errorForLog(exception));
  return { status: 500, message: 'The console could not do that. Try again in a moment.', details: [] };
}
