import type { INestApplication } from '@nestjs/common';
import { errorBody } from '@portcullis/errors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { RequestInputCheck } from './request-input.check.js';

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
  app.use(express.json({ limit: limitBytes, strict: false }));
  app.use(express.urlencoded({ extended: false, limit: limitBytes }));
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') return void res.status(413).json(errorBody('payload_too_large'));
    if (type === 'entity.parse.failed') return void res.status(400).json(errorBody('malformed_json'));
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return void res.status(415).json(errorBody('unsupported_media_type'));
    return void res.status(400).json(errorBody('validation_failed', 'The request body could not be read'));
  });
}
