import { describe, expect, it } from 'vitest';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { grantedScope, scopeTokens } from './scope.js';

describe('grantedScope', () => {
  it('grants everything allowed when nothing is asked for', () => {
    expect(grantedScope(undefined, 'read write')).toBe('read write');
    expect(grantedScope(undefined, '')).toBe('');
  });

  it('grants a subset, in the order asked, without repeats', () => {
    expect(grantedScope('write read write', 'read write admin')).toBe('write read');
  });

  it('refuses anything outside the allowed scope, naming it', () => {
    expect(() => grantedScope('read admin', 'read write')).toThrow(OAuthError);
    try {
      grantedScope('read admin', 'read write');
    } catch (error) {
      expect((error as OAuthError).toBody()).toEqual({ error: 'invalid_scope', error_description: 'The scope admin is not allowed' });
    }
  });

  it('allows no scope at all to a client with an empty allowed scope', () => {
    expect(() => grantedScope('read', '')).toThrow(OAuthError);
  });

  it('refuses malformed scope tokens', () => {
    expect(() => grantedScope('re"ad', 're"ad')).toThrow(OAuthError);
    expect(() => grantedScope('read\twrite', 'read write')).toThrow(OAuthError);
  });

  it('splits on single spaces, dropping empties', () => {
    expect(scopeTokens(' a  b a ')).toEqual(['a', 'b']);
  });
});
