import type { INestApplication } from '@nestjs/common';
import { refuseMalformedForm } from '@portcullis/http';
import express, { type NextFunction, type Request, type Response } from 'express';

/**
 * The registry's HTML pages (the portal, the console) are for a browser: no inline script or style
 * may run (scripts are files of our own), no other site may frame them or receive their forms, and
 * pages are not cached (a credentials page shows a secret once). Tokens travel in paths (reset
 * links), so no Referer leaves the pages.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Answers a body problem as a page of the caller's own frame. */
export type SendPageProblem = (res: Response, status: number, heading: string, message: string) => void;

export interface HtmlPagesOptions {
  /** Where the pages live (`/portal`). */
  prefix: string;
  /** The largest form those pages post. */
  formLimitBytes: number;
  /** The most fields a form of theirs has. */
  parameterLimit: number;
  sendProblem: SendPageProblem;
}

/**
 * A set of pages' own request handling, before the shared JSON parsers: security headers, form bodies
 * of the pages' size, and body problems answered as a page rather than as JSON.
 */
export function useHtmlPages(app: INestApplication, options: HtmlPagesOptions): void {
  const { sendProblem } = options;
  const onlyForms = (req: Request, res: Response, next: NextFunction): void => {
    // The pages post HTML forms and nothing else; a JSON body here is not from one of them.
    if (req.method !== 'POST' || req.is('application/x-www-form-urlencoded')) return next();
    sendProblem(res, 415, 'Unsupported form', 'This address takes HTML forms (application/x-www-form-urlencoded) only.');
  };
  const formProblems = (error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (!error) return next();
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return sendProblem(res, 413, 'Form too large', 'The form you sent is larger than any form here can be.');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
      return sendProblem(res, 415, 'Unsupported form', 'The form was sent in an encoding these pages do not read; send it as UTF-8.');
    }
    sendProblem(res, 400, 'The form could not be read', 'The form you sent could not be read. Go back, reload the page and try again.');
  };
  app.use(
    options.prefix,
    (_req: Request, res: Response, next: NextFunction) => {
      res.set(PAGE_SECURITY_HEADERS);
      next();
    },
    onlyForms,
    express.urlencoded({ extended: false, limit: options.formLimitBytes, parameterLimit: options.parameterLimit, verify: refuseMalformedForm }),
    formProblems,
  );
}
