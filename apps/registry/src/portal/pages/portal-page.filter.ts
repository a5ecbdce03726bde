import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RETRY_AFTER_SECONDS } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { CSRF_FAILURE, describePageFailure, failureHeading } from '../../http/page-failure.js';
import { renderView } from './portal-views.js';
import { CsrfRejected, identifiedVisitor } from './portal-visitors.js';

/** Failures on portal pages as pages, in the portal's frame (see describePageFailure for what they say). */
@Catch()
export class PortalPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('PortalPages');

  catch(exception: unknown, host: ArgumentsHost): void {
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const csrf = exception instanceof CsrfRejected;
    const { status, message, details } = csrf ? CSRF_FAILURE : describePageFailure(exception, this.logger, 'portal');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (status === 503) res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    const visitor = identifiedVisitor(req);
    const heading = csrf ? 'This form has expired' : failureHeading(status);
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
