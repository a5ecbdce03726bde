import { HttpException, type Logger } from '@nestjs/common';
import { isBackendUnavailable, PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { errorForLog, errorSummary } from '@portcullis/logging';

/** What a failed page says: its status, the service's own message and its fields. */
export interface PageFailure {
  status: number;
  message: string;
  details: ErrorDetail[];
}

const headings: Record<number, string> = {
  400: 'Something is wrong with that request',
  403: 'Not allowed',
  404: 'Not found',
  409: 'That conflicts with what exists',
  502: 'A service did not answer as expected',
  503: 'A service is unavailable',
};

/** The heading of a failure page by its status. */
export function failureHeading(status: number): string {
  return headings[status] ?? (status >= 500 ? 'Something went wrong' : 'That did not work');
}

/** A form's CSRF token was missing or not the visitor's. */
export const CSRF_FAILURE: PageFailure = {
  status: 403,
  message: 'The form was not sent from this page, or it was open too long ago. Go back, reload the page and send it again.',
  details: [],
};

/**
 * Any failure of a page handler (the portal's, the console's) as what the page says: the service's
 * own message and fields, never a stack or an ORM message. Anything unexpected is a plain 500 and
 * its details go to the log; a database or service that is down is a 503 saying so.
 */
export function describePageFailure(exception: unknown, logger: Logger, pages: 'portal' | 'console'): PageFailure {
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
    return { status: 503, message: `The ${pages} cannot reach a service it needs just now. Try again in a moment.`, details: [] };
  }
  logger.error(errorForLog(exception));
  return { status: 500, message: `The ${pages} could not do that. Try again in a moment.`, details: [] };
}
