import { z } from '@portcullis/config';
import type { ErrorDetail } from '@portcullis/errors';
import { invalid } from '../field-errors.js';

export const MIN_PASSWORD_LENGTH = 10;
/** scrypt takes any length; the bound keeps one request from costing much (and NFC from growing it). */
const MAX_PASSWORD_LENGTH = 1024;

export const emailSchema = z.email('must be an email address').max(254, 'must be at most 254 characters');

/** One address is one account: compared trimmed and lower-cased. */
export function normaliseEmail(email: unknown): string {
  return typeof email === 'string' ? email.trim().toLowerCase() : '';
}

export function passwordProblems(password: unknown, field = 'password'): ErrorDetail[] {
  if (typeof password !== 'string') return [{ field, message: 'is required' }];
  if ([...password].length < MIN_PASSWORD_LENGTH) return [{ field, message: `must be at least ${MIN_PASSWORD_LENGTH} characters` }];
  if (password.length > MAX_PASSWORD_LENGTH) return [{ field, message: `must be at most ${MAX_PASSWORD_LENGTH} characters` }];
  return [];
}

/** A sign-up's email and password, every problem at once. */
export function validSignUp(email: unknown, password: unknown): { email: string; password: string } {
  const normalised = normaliseEmail(email);
  const problems: ErrorDetail[] = [];
  const parsed = emailSchema.safeParse(normalised);
  if (!parsed.success) problems.push({ field: 'email', message: parsed.error.issues[0]?.message ?? 'must be an email address' });
  problems.push(...passwordProblems(password));
  if (problems.length > 0) throw invalid(problems);
  return { email: normalised, password: password as string };
}
