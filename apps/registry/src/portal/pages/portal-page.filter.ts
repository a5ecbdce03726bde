import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { isBackendUnavailable, PortcullisError, RETRY_AFTER_SECONDS } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { renderView } from './portal-views.js';
import { CsrfRejected, identifiedVisitor } from './portal-visitors.js';
import { errorForLog, errorSummary } from '@portcullis/logging';

const headings: Record<number, string> = {
  400: 'Something is wrong with that request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That conflicts with what exists',
  502: 'A service did not answer as expected',
  503: 'A service is unavailable',
};

/**
 * Failures on portal pages as pages, in the portal's frame, with the service's own message (never a
 * stack or an ORM message: anything unexpected is a plain 500 page and the details go to the log).
 */
@Catch()
export class PortalPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('PortalPages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const { status, message, details } = describe(exception, this.logger);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const visitor = identifiedVisitor(req);
    const heading =
      status === 403 && exception instanceof CsrfRejected
        ? 'This form has expired'
        : (headings[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work'));
    res
      .status(status)
      .type('html')
      .send(
        renderView('message', {
          title: heading,
          developer: visitor?.developer ? { email: visitor.developer.email } : null,
          csrf: visitor?.csrf ?? '',
          heading,
          message,
          details,
          back: visitor?.developer ? '/portal/apps' : '/portal',
          backLabel: visitor?.developer ? 'Back to my apps' : 'Back to the APIs',
        }),
      );
  }
}

function describe(exception: unknown, logger: Logger): { status: number; message: string; details: { message: string }[] } {
  if (exception instanceof CsrfRejected) {
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
    return { status: 503, message: 'The portal cannot reach its database just now. Try again in a moment.', details: [] };
  }
  logger.error(errorForLog(exception));
  return { status: 500, message: 'The portal could not do that. Try again in a moment.', details: [] };
}
