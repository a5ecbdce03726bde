import type { z } from '@portcullis/config';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';

/** Every problem of a zod parse as the one validation error, each field named (STYLE habit 10). */
export function validationFailed(error: z.ZodError): PortcullisError {
  return invalid(detailsOf(error));
}

export function detailsOf(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', message: issue.message }));
}

export function invalid(details: ErrorDetail[]): PortcullisError {
  return new PortcullisError('validation_failed', undefined, details);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Portal ids are UUIDs: anything else cannot name a row, and must not reach PostgreSQL's uuid parser. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
