import type { INestApplication } from '@nestjs/common';
import { errorBody, statusOf, type ErrorBody } from '@portcullis/errors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { RequestInputCheck } from './request-input.check.js';
import { MAX_JSON_DEPTH } from './request-input.js';
import type { IncomingMessage } from 'node:http';
import { isWellFormedPercentEncoding } from './percent-encoding.js';
import { prototypeNamed, PrototypeKeyError, refusePrototypeKeys } from './prototype-keys.js';

/**
 * JSON bodies with a size limit, and parse failures answered in the one error shape (Express's
 * default would be an HTML page with a stack trace). Call before the app initialises its routes,
 * with the app created with `bodyParser: false`. Also installs what every service's HTTP input goes
 * through, whichever parser read it: the input check (NUL, nesting depth) and no `X-Powered-By`
 * (it tells a scanner which framework's flaws to try).
 */
export function useJsonBodies(app: INestApplication, limitBytes: number): void {
  (app.getHttpAdapter().getInstance() as express.Express).disable('x-powered-by');
  app.useGlobalInterceptors(new RequestInputCheck());
  app.use(express.json({ limit: limitBytes, strict: false, reviver: refusePrototypeKeys }));
  app.use(express.urlencoded({ extended: false, limit: limitBytes, verify: refuseMalformedForm }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const known = bodyProblem(error);
    if (known) return void res.status(statusOf(known.error)).json(known);
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return void res.status(413).json(errorBody('payload_too_large'));
    if (type === 'entity.parse.failed') return void res.status(400).json(errorBody('malformed_json'));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return void res.status(415).json(errorBody('unsupported_media_type'));
    return void res.status(400).json(errorBody('validation_failed', 'The request body could not be read'));
  });
}

/** Marks a body refused by a `verify` hook, so the error handlers know it from body-parser's own. */
class BodyRefused extends Error {
  constructor(readonly answer: ErrorBody) {
    super(answer.message);
  }
}

/**
 * The `verify` hook of every form parser: a body whose escapes do not decode to UTF-8 (see
 * percent-encoding.ts; it would be read with U+FFFD in its fields), or with a field named for a
 * prototype (see prototype-keys.ts), is refused.
 */
export function refuseMalformedForm(_req: IncomingMessage, _res: unknown, buffer: Buffer): void {
  const text = buffer.toString('latin1');
  if (!isWellFormedPercentEncoding(text.replace(/\+/g, ' '))) {
    throw new BodyRefused(
      errorBody('validation_failed', 'The form body is not percent-encoded UTF-8', [{ field: 'body', message: 'is not percent-encoded UTF-8' }]),
    );
  }
  for (const field of new URLSearchParams(text).keys()) {
    const name = prototypeNamed(field);
    if (name !== undefined)
      throw new BodyRefused(errorBody('validation_failed', `A field named ${name} is not allowed in a form`, [{ field: name, message: 'is not allowed' }]));
  }
}

/** The answer for a body the shared checks refused (the form verify hook, the prototype-key reviver), if it was one. */
export function bodyProblem(error: unknown): ErrorBody | undefined {
  if (error instanceof BodyRefused) return error.answer;
  if (error instanceof PrototypeKeyError)
    return errorBody('validation_failed', `The key ${error.field} is not allowed in a request body`, [{ field: error.field, message: 'is not allowed' }]);
  // JSON.parse with the prototype-key reviver recurses once per level: thousands of levels overflow
  // the stack there, before the input check could name the depth. It is the same refusal.
  const cause = (error as { type?: string; message?: string }).type === 'entity.parse.failed' ? String((error as { message?: string }).message) : '';
  if (cause.includes('call stack'))
    return errorBody('validation_failed', undefined, [{ field: '(body)', message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
  return undefined;
}
