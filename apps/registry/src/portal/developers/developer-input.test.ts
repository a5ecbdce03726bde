import { describe, expect, it } from 'vitest';
import { normaliseEmail, passwordProblems, validSignUp } from './developer-input.js';

describe('developer sign-up input', () => {
  it('keeps one spelling of an email', () => {
    expect(normaliseEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(normaliseEmail(7)).toBe('');
    expect(validSignUp(' Ada@Example.com', 'correct horse battery')).toEqual({ email: 'ada@example.com', password: 'correct horse battery' });
  });

  it('counts a password in characters, not UTF-16 units, and bounds it', () => {
    expect(passwordProblems('🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toEqual([{ field: 'password', message: 'must be at least 10 characters' }]);
    expect(passwordProblems('🔑🔑🔑🔑🔑🔑🔑🔑🔑🔑')).toEqual([]);
    expect(passwordProblems('x'.repeat(1025))).toEqual([{ field: 'password', message: 'must be at most 1024 characters' }]);
    expect(passwordProblems(undefined)).toEqual([{ field: 'password', message: 'is required' }]);
  });

  it('reports a bad email and a weak password together', () => {
    expect(() => validSignUp('ada', '123')).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        details: [
          { field: 'email', message: 'must be an email address' },
          { field: 'password', message: 'must be at least 10 characters' },
        ],
      }),
    );
  });
});
