import type { ErrorDetail } from '@portcullis/errors';
import type { z } from 'zod';

/** A zod error as the field-by-field details every validation error carries. */
export function toDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.') || '(body)',
    message: issue.message,
  }));
}

/** Whether `value` is an absolute http or https URL (client metadata URIs, a provider's endpoints). */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
