import type { INestApplication } from '@nestjs/common';
import type { Response } from 'express';
import { useHtmlPages } from '../../http/html-pages.js';
import { renderView } from './portal-views.js';

/** A portal form holds a few short fields; anything bigger is not one of ours. */
export const PORTAL_FORM_LIMIT_BYTES = 16 * 1024;

/** The portal's request handling under /portal (headers, form bodies, body problems as pages). */
export function usePortalHttp(app: INestApplication): void {
  useHtmlPages(app, { prefix: '/portal', formLimitBytes: PORTAL_FORM_LIMIT_BYTES, parameterLimit: 32, sendProblem });
}

function sendProblem(res: Response, status: number, heading: string, message: string): void {
  res
    .status(status)
    .type('html')
    .send(renderView('message', { title: heading, developer: null, csrf: '', heading, message }));
}
