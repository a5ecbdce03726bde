import { describe, expect, it } from 'vitest';
import { validateUserInput } from './user-input.js';

describe('validateUserInput', () => {
  it('accepts a plain username and a long-enough password', () => {
    expect(validateUserInput({ username: 'alice', password: 'password1' })).toEqual({ ok: true, value: { username: 'alice', password: 'password1' } });
  });

  it('names every bad field at once', () => {
    const result = validateUserInput({ username: ' alice', password: 'short' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((error) => error.field)).toEqual(['username', 'password']);
  });

  it.each([[''], ['a\u0000b'], ['x'.repeat(129)], [42]])('refuses username %j', (username) => {
    expect(validateUserInput({ username, password: 'password1' }).ok).toBe(false);
  });

  it('refuses a body that is not an object', () => {
    expect(validateUserInput(null)).toEqual({ ok: false, errors: [{ field: '(body)', message: 'must be an object' }] });
  });
});
