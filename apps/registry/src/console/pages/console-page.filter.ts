import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RETRY_AFTER_SECONDS } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { CSRF_FAILURE, describePageFailure, failureHeading } from '../../http/page-failure.js';
import { ConsoleCsrfRejected, identifiedVisit, SignInRequired } from '../session/console-operators.js';
import { renderConsoleView } from './console-views.js';
import { safeConsoleNext } from './safe-console-next.js';

/**
 * Failures on console pages as pages, in the console's frame (see describePageFailure for what they
 * say). A page asked for without a session sends the browser to sign in, and back afterwards.
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
    const csrf = exception instanceof ConsoleCsrfRejected;
    const { status, message, details } = csrf ? CSRF_FAILURE : describePageFailure(exception, this.logger, 'console');
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const visit = identifiedVisit(req);
    const heading = csrf ? 'This form has expired' : failureHeading(status);
    res
      .status(status)
      .type('html')
      .send(renderConsoleView('message', { title: heading, operator: visit?.operator ?? null, csrf: visit?.csrf ?? '', heading, message, details }));
  }
}
