import { OAuthError } from '../oauth-errors/oauth-error.js';

const scopeToken = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3

/** The tokens of a space-separated scope, in order, without repeats. */
export function scopeTokens(scope: string): string[] {
  return [...new Set(scope.split(' ').filter((token) => token !== ''))];
}

/**
 * The scope to grant: what was asked for if every token of it is allowed, else invalid_scope
 * (RFC 6749 §5.2). Asking for nothing grants everything allowed (§3.3 lets the server pick a default).
 */
export function grantedScope(requested: string | undefined, allowed: string): string {
  if (requested === undefined) return scopeTokens(allowed).join(' ');
  if (!/^[\x20-\x7E]*$/.test(requested) || requested.split(' ').some((token) => token !== '' && !scopeToken.test(token))) {
    throw new OAuthError('invalid_scope', 'The scope is malformed');
  }
  const permitted = new Set(scopeTokens(allowed));
  const asked = scopeTokens(requested);
  const refused = asked.filter((token) => !permitted.has(token));
  if (refused.length > 0) throw new OAuthError('invalid_scope', `The scope ${refused.join(' ')} is not allowed`);
  return asked.join(' ');
}
