import { Catch, Logger, type ArgumentsHost, type ExceptionFilter, type INestApplication } from '@nestjs/common';
import { errorBody, statusOf, type ErrorBody, type ErrorCode } from '@portcullis/errors';
import { adminChallenges, bodyProblem, refusePrototypeKeys, toErrorResponse } from '@portcullis/http';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Tyk's error shape (`status`, `message`), extended with our stable code and field details. */
export interface TykErrorBody {
  status: 'error';
  message: string;
  error: ErrorCode;
  details?: ErrorBody['details'];
}

export function tykErrorBody(body: ErrorBody): TykErrorBody {
  const tyk: TykErrorBody = { status: 'error', message: body.message, error: body.error };
  if (body.details) tyk.details = body.details;
  return tyk;
}

/** Every failure under /tyk/ (guard, registry reply, bus outage) in Tyk's shape with the right status. */
@Catch()
export class TykErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('TykApi');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const { status, body, headers } = toErrorResponse(exception, this.logger, adminChallenges['x-tyk-authorization']);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).set(headers).json(tykErrorBody(body));
  }
}

/**
 * JSON bodies for /tyk/, mounted before the shared parser (which then finds them read). Tyk reads the
 * body as JSON whatever its Content-Type (scripts often post with curl's default form type), and its
 * parse errors must come back in Tyk's shape too.
 */
export function useTykJsonBodies(app: INestApplication, limitBytes: number): void {
  app.use('/tyk', express.json({ limit: limitBytes, strict: false, type: () => true, reviver: refusePrototypeKeys }), tykBodyErrors);
}

/**
 * `/tyk/certs` takes PEM text (Tyk reads the body raw whatever its Content-Type), mounted before the
 * JSON parser (which then finds the body read). Its own, smaller limit: a chain and its key.
 */
export function useTykCertificateBodies(app: INestApplication, limitBytes: number): void {
  app.use('/tyk/certs', express.text({ limit: limitBytes, type: () => true }), tykBodyErrors);
}

/** A body that could not be read, answered in Tyk's shape. */
function tykBodyErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (!error) return next();
  const refused = bodyProblem(error);
  if (refused) return void res.status(statusOf(refused.error)).json(tykErrorBody(refused));
  const type = (error as { type?: string }).type;
  const code: ErrorCode =
    type === 'entity.too.large'
      ? 'payload_too_large'
      : type === 'entity.parse.failed'
        ? 'malformed_json'
        : type === 'encoding.unsupported' || type === 'charset.unsupported'
          ? 'unsupported_media_type'
          : 'validation_failed';
  const body = code === 'validation_failed' ? errorBody(code, 'The request body could not be read') : errorBody(code);
  res.status(statusOf(code)).json(tykErrorBody(body));
}
