import { describe, expect, it } from 'vitest';
import { PageCsrf } from './page-csrf.js';

describe('PageCsrf', () => {
  const csrf = new PageCsrf('the admin secret', 'portal csrf v1');

  it('accepts the token for the same binding only', () => {
    const token = csrf.tokenFor('session:abc');
    expect(csrf.verify('session:abc', token)).toBe(true);
    expect(csrf.verify('session:abd', token)).toBe(false);
    expect(csrf.verify('anonymous:abc', token)).toBe(false);
  });

  it('refuses missing, altered and foreign tokens', () => {
    const token = csrf.tokenFor('session:abc');
    expect(csrf.verify('session:abc', undefined)).toBe(false);
    expect(csrf.verify('session:abc', '')).toBe(false);
    expect(csrf.verify('session:abc', ['x'])).toBe(false);
    expect(csrf.verify('session:abc', `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(false);
    expect(csrf.verify('session:abc', new PageCsrf('another secret', 'portal csrf v1').tokenFor('session:abc'))).toBe(false);
  });

  it("refuses another set of pages' token (the portal's on the console)", () => {
    const token = csrf.tokenFor('session:abc');
    expect(new PageCsrf('the admin secret', 'console csrf v1').verify('session:abc', token)).toBe(false);
  });
});
