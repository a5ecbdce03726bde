import type { Response } from 'express';
import type { ConsoleVisit } from '../session/console-operators.js';
import { renderConsoleView, type ConsoleFrame, type ConsoleViewName } from './console-views.js';

/** A page in the visitor's frame (their name and CSRF token in the header). */
export function sendConsolePage(
  res: Response,
  visit: ConsoleVisit,
  view: ConsoleViewName,
  data: Omit<ConsoleFrame, 'operator' | 'csrf'> & Record<string, unknown>,
): void {
  res.type('html').send(renderConsoleView(view, { operator: visit.operator, csrf: visit.csrf, ...data }));
}

/** A posted form's field as a string ('' when absent or repeated). */
export function formField(form: Record<string, unknown>, name: string): string {
  const value = form[name];
  return typeof value === 'string' ? value : '';
}

const notices: Record<string, string> = {
  'signed-out': 'You are signed out.',
  created: 'Created.',
  saved: 'Saved. The gateways have the change.',
  deleted: 'Deleted.',
};

/** The confirmation a redirect asked for (`?done=`), from a fixed list: the query never reaches the page. */
export function consoleNotice(done: unknown): string | undefined {
  return typeof done === 'string' ? notices[done] : undefined;
}
