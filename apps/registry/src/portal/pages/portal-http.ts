import type { INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import { renderView } from './portal-views.js';
import { refuseMalformedForm } from '@portcullis/http';

/** A portal form holds a few short fields; anything bigger is not one of ours. */
export const PORTAL_FORM_LIMIT_BYTES = 16 * 1024;

/**
 * Everything under /portal is a page for a browser: no inline script or style may run (the copy
 * buttons are a script file of our own), no other site may frame it or receive its forms, and pages
 * are not cached (a credentials page shows a secret once). Reset links carry their token in the path,
 * so no Referer leaves the portal.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/**
 * The portal's own request handling, before the shared JSON parsers: security headers, form bodies
 * of a portal's size, and body problems answered as a page rather than as JSON.
 */
export function usePortalHttp(app: INestApplication): void {
  app.use(
    '/portal',
    portalHeaders,
    onlyForms,
    express.urlencoded({ extended: false, limit: PORTAL_FORM_LIMIT_BYTES, parameterLimit: 32, verify: refuseMalformedForm }),
    formProblems,
  );
}

function portalHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set(SECURITY_HEADERS);
  next();
}

/** The pages post HTML forms and nothing else; a JSON body here is not from one of them. */
function onlyForms(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || req.is('application/x-www-form-urlencoded')) return next();
  sendProblem(res, 415, 'Unsupported form', 'This address takes HTML forms (application/x-www-form-urlencoded) only.');
}

function formProblems(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!error) return next();
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') return sendProblem(res, 413, 'Form too large', 'The form you sent is larger than any portal form can be.');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return sendProblem(res, 415, 'Unsupported form', 'The form was sent in an encoding the portal does not read; send it as UTF-8.');
  }
  sendProblem(res, 400, 'The form could not be read', 'The form you sent could not be read. Go back, reload the page and try again.');
}

function sendProblem(res: Response, status: number, heading: string, message: string): void {
  res
    .status(status)
    .type('html')
    .send(renderView('message', { title: heading, developer: null, csrf: '', heading, message }));
}
