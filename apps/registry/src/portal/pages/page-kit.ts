import { errorCatalogue, PortcullisError, type ErrorDetail } from '@portcullis/errors';
import type { Request, Response } from 'express';
import { renderView, type PageFrame, type ViewName } from './portal-views.js';
import { safeNext } from './safe-next.js';
import type { Visitor } from './portal-visitors.js';

/** What the portal's page controllers share: rendering in the visitor's frame, form fields, messages. */

export type Form = Record<string, unknown>;

export function sendPage(res: Response, visitor: Visitor, view: ViewName, data: Omit<PageFrame, 'developer' | 'csrf'> & Record<string, unknown>): void {
  const frame = { developer: visitor.developer ? { email: visitor.developer.email } : null, csrf: visitor.csrf };
  res.type('html').send(renderView(view, { ...frame, ...data }));
}

/** A page that needs a developer, asked for without one: to login, and back here afterwards (GET only). */
export function redirectToLogin(req: Request, res: Response): void {
  const next = req.method === 'GET' ? safeNext(req.originalUrl, '') : '';
  res.redirect(303, next ? `/portal/login?next=${encodeURIComponent(next)}` : '/portal/login');
}

export function field(form: Form, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

const notices: Record<string, string> = {
  // Said alike whether or not the email had an account: sign-up must not tell which emails exist.
  'signed-up': 'Your account is ready. Log in to create apps. If this email had an account already, it is unchanged: log in with its password.',
  'signed-up-pending': 'Your account was created and is waiting for an administrator to approve it. If this email had an account already, it is unchanged.',
  'password-reset': 'Your password was changed. Log in with the new one.',
  'logged-out': 'You are logged out.',
  'app-deleted': 'The app was deleted and its credentials no longer work.',
  'app-renamed': 'The app was renamed.',
};

/** The confirmation a redirect asked for (`?done=`), from a fixed list: the query never reaches the page. */
export function notice(done: unknown): string | undefined {
  return typeof done === 'string' ? notices[done] : undefined;
}

/** The portal's names for the fields the services name in their errors. */
const fieldLabels: Record<string, string> = { email: 'Email', password: 'Password', name: 'App name', entry_id: 'API' };

/** A service's refusal as the form's message, fields by their labels; anything unexpected goes on to the error page. */
export function formProblem(error: unknown): { status: number; error: string; details: ErrorDetail[] } {
  if (!(error instanceof PortcullisError) || error.status >= 500) throw error;
  const details = (error.details ?? []).map((detail) => {
    const label = fieldLabels[detail.field];
    return label ? { field: detail.field, message: `${label}: ${detail.message}` } : detail;
  });
  const message =
    error.code === 'validation_failed' && error.message === errorCatalogue.validation_failed.message
      ? 'There is a problem with what you entered.'
      : error.message;
  return { status: error.status, error: message, details };
}
