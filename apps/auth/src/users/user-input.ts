import type { ErrorDetail } from '@portcullis/errors';

export interface UserInput {
  username: string;
  password: string;
}

// Printable, no spaces or controls at the edges: what a person can type into a login form and read back.
const usernamePattern = /^[^\s\p{C}](?:[^\p{C}]{0,126}[^\s\p{C}])?$/u;

/** Checks a new user's username and password; lists every problem. */
export function validateUserInput(input: unknown): { ok: true; value: UserInput } | { ok: false; errors: ErrorDetail[] } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { ok: false, errors: [{ field: '(body)', message: 'must be an object' }] };
  const { username, password } = input as Record<string, unknown>;
  const errors: ErrorDetail[] = [];
  if (typeof username !== 'string' || !usernamePattern.test(username)) {
    errors.push({ field: 'username', message: 'must be 1-128 printable characters, without spaces at either end' });
  }
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) {
    errors.push({ field: 'password', message: 'must be 8-1024 characters' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { username: (username as string).normalize('NFC'), password: password as string } };
}
