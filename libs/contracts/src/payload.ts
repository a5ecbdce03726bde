import type { ErrorDetail } from '@portcullis/errors';
import { z } from 'zod';

/**
 * Bus input is input: the receiving handler parses every payload with its subject's schema before
 * it trusts it. Schemas sit next to the hand-written interfaces (which keep their per-field docs)
 * and are checked against them at compile time (`satisfies z.ZodType<T>`), so the two cannot drift.
 */
export type PayloadCheck<T> = { ok: true; value: T } | { ok: false; problems: ErrorDetail[] };

/** Parses `payload`; a missing payload counts as `{}`, so each required field is named, not "the body". */
export function checkPayload<T>(schema: z.ZodType<T>, payload: unknown): PayloadCheck<T> {
  const result = schema.safeParse(payload ?? {});
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({ field: issue.path.map(String).join('.') || '(body)', message: issue.message })),
  };
}

/** A non-empty string; "is required" when it is missing or empty, as the hand checks said. */
export const requiredString = () => z.string({ error: 'is required' }).min(1, 'is required');

/** The registry's change kinds, shared by every configuration event. */
export const changeSchema = z.enum(['created', 'updated', 'deleted']);

/** Payloads that carry nothing. */
export const emptySchema = z.object({}) as z.ZodType<Record<string, never>>;

/**
 * A field the receiving service validates in full itself, naming its problems in its own words (a
 * session, a client's metadata, an OAuth form): the envelope lets anything through, absence too.
 */
export const checkedByService = <T = unknown>() => z.unknown().optional() as unknown as z.ZodType<T>;
