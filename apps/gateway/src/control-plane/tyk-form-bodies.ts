import type { INestApplication } from '@nestjs/common';
import { errorBody, statusOf, type ErrorCode } from '@portcullis/errors';
import { bodyProblem, refuseMalformedForm } from '@portcullis/http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { tykErrorBody } from './tyk-errors.js';

/** Tyk's endpoints that take form bodies (RFC 7009 revocation is form-encoded). */
export const tykFormEndpoints = ['/tyk/oauth/revoke', '/tyk/oauth/revoke_all'];

/**
 * Form bodies for Tyk's revocation endpoints, mounted before the /tyk/ JSON parser (which then finds
 * the body read and leaves it; a JSON body still goes to it). A repeated parameter becomes a list,
 * which the controller refuses by name.
 */
export function useTykFormBodies(app: INestApplication, limitBytes: number): void {
  app.use(
    tykFormEndpoints,
    express.urlencoded({ extended: false, limit: limitBytes, type: 'application/x-www-form-urlencoded', verify: refuseMalformedForm }),
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (!error) return next();
      const refused = bodyProblem(error);
      if (refused) return void res.status(statusOf(refused.error)).json(tykErrorBody(refused));
      const code: ErrorCode = (error as { type?: string }).type === 'entity.too.large' ? 'payload_too_large' : 'validation_failed';
      const body = code === 'validation_failed' ? errorBody(code, 'The request body could not be read') : errorBody(code);
      res.status(statusOf(code)).json(tykErrorBody(body));
    },
  );
}
