import type { Prompt } from './openid-parameters.js';

/** What a request needs from the person at the browser before a code can be issued. */
export type Interaction =
  | { kind: 'approve' }
  | { kind: 'login' }
  | { kind: 'consent' }
  /** OIDC Core §3.1.2.6: prompt=none and an interaction would be needed. */
  | { kind: 'error'; error: 'login_required' | 'consent_required'; description: string };

export interface InteractionInput {
  prompt: readonly Prompt[];
  maxAge: number | undefined;
  /** The live login session, if the browser has one. */
  session: { sub: string; authTime: Date } | null;
  /** The subject of a verified id_token_hint. */
  hintSub: string | undefined;
  /** Whether the session's user approved these scopes for this client before. */
  consented: boolean;
  now: number;
}

/**
 * OIDC Core §3.1.2.3: whether the user must sign in (no session, prompt=login, a session older than
 * max_age, or an id_token_hint for someone else), then whether consent must be asked (none remembered
 * for these scopes, or prompt=consent). With prompt=none either need is an error for the client.
 */
export function decideInteraction(input: InteractionInput): Interaction {
  const { session, prompt } = input;
  const needsLogin =
    session === null ||
    prompt.includes('login') ||
    (input.maxAge !== undefined && input.now - session.authTime.getTime() > input.maxAge * 1000) ||
    (input.hintSub !== undefined && input.hintSub !== session.sub);
  const needsConsent = !input.consented || prompt.includes('consent');
  if (prompt.includes('none')) {
    if (needsLogin)
      return { kind: 'error', error: 'login_required', description: 'The user is not signed in (or not as required) and prompt=none forbids asking.' };
    if (needsConsent)
      return { kind: 'error', error: 'consent_required', description: 'The user has not approved this request and prompt=none forbids asking.' };
    return { kind: 'approve' };
  }
  if (needsLogin) return { kind: 'login' };
  if (needsConsent) return { kind: 'consent' };
  return { kind: 'approve' };
}
