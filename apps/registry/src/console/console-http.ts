import type { INestApplication } from '@nestjs/common';
import type { Response } from 'express';
import { useHtmlPages } from '../http/html-pages.js';
import { renderConsoleView } from './pages/console-views.js';

/**
 * A console form holds one JSON document (an API definition with many paths can run to hundreds of
 * kilobytes); the admin API's own body limit still applies to what it accepts.
 */
export const CONSOLE_FORM_LIMIT_BYTES = 1024 * 1024;

/** The console's request handling under /console (headers, form bodies, body problems as pages). */
export function useConsoleHttp(app: INestApplication): void {
  useHtmlPages(app, { prefix: '/console', formLimitBytes: CONSOLE_FORM_LIMIT_BYTES, parameterLimit: 8, sendProblem });
}

function sendProblem(res: Response, status: number, heading: string, message: string): void {
  res
    .status(status)
    .type('html')
    .send(renderConsoleView('message', { title: heading, operator: null, csrf: '', heading, message }));
}
