import type { INestApplication } from '@nestjs/common';
import { errorBody } from '@portcullis/errors';
import { refusePrototypeKeys } from '@portcullis/http';
import express, { type NextFunction, type Request, type Response } from 'express';

/** The one path whose bodies may be larger than ADMIN_MAX_BODY_BYTES. */
export const IMPORT_PATH = '/admin/import';

/**
 * An import carries a whole configuration (10,000 API definitions are a few MB), so its body gets
 * its own limit, IMPORT_MAX_BODY_BYTES; every other admin body keeps the small one. Installed
 * after the admin secret check (no body is read for a caller without it) and before the shared
 * parser, which then finds the body read. Over the limit: 413 naming the limit and the way out.
 * Other parse failures go on to the shared error handler (400 malformed_json, ...).
 */
export function useImportBodies(app: INestApplication, limitBytes: number): void {
  app.use(
    IMPORT_PATH,
    express.json({ limit: limitBytes, strict: false, reviver: refusePrototypeKeys }),
    (error: unknown, _req: Request, res: Response, next: NextFunction) => {
      if ((error as { type?: string } | null)?.type !== 'entity.too.large') return next(error);
      res
        .status(413)
        .json(
          errorBody(
            'payload_too_large',
            `The import is larger than ${limitBytes} bytes (IMPORT_MAX_BODY_BYTES): split it into several imports, or raise the limit`,
          ),
        );
    },
  );
}
