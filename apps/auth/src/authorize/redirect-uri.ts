/**
 * RFC 6749 §3.1.2.3 with the exact-match rule of the OAuth 2.0 Security BCP (RFC 9700 §4.1.3): the
 * redirect URI must equal, character for character, one the client registered. A client with exactly
 * one registered URI may leave it out.
 */
export type RedirectUriResolution = { ok: true; redirectUri: string } | { ok: false; reason: string };

export function resolveRedirectUri(registered: readonly string[], requested: string | undefined): RedirectUriResolution {
  if (requested === undefined) {
    if (registered.length === 1) return { ok: true, redirectUri: registered[0]! };
    return {
      ok: false,
      reason: registered.length === 0 ? 'The client has no registered redirect URI.' : 'The redirect_uri parameter is required for this client.',
    };
  }
  return registered.includes(requested)
    ? { ok: true, redirectUri: requested }
    : { ok: false, reason: 'The redirect_uri does not match one registered for this client.' };
}
