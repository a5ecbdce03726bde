import type { DebugSession } from '@portcullis/contracts';
import type { Identity } from './identity.js';

/**
 * The callers being debugged (admin debug sessions: every request of theirs kept as a request log),
 * as the record step looks them up: identity hash (or OAuth client) → when the session ends. Built
 * from the sessions that have not ended; a configuration holds null instead when there are none, so
 * a gateway with no session open does no lookup at all.
 */
export interface DebugLogTable {
  readonly identities: ReadonlyMap<string, number>;
  /** Empty unless a session names an OAuth client: no second lookup for the others. */
  readonly clients: ReadonlyMap<string, number>;
  /** The earliest end among them: the store builds the table again then, dropping what ended. */
  readonly nextExpiry: number;
}

/** The table of the sessions still open at `now`; null when none is. Two sessions for one caller: the later end wins. */
export function debugLogTable(sessions: Iterable<DebugSession>, now: number): DebugLogTable | null {
  const identities = new Map<string, number>();
  const clients = new Map<string, number>();
  let nextExpiry = Number.POSITIVE_INFINITY;
  for (const session of sessions) {
    if (session.expires_at <= now) continue;
    const into = session.identity !== undefined ? identities : clients;
    const key = session.identity ?? session.oauth_client_id!;
    into.set(key, Math.max(into.get(key) ?? 0, session.expires_at));
    nextExpiry = Math.min(nextExpiry, session.expires_at);
  }
  return identities.size + clients.size === 0 ? null : { identities, clients, nextExpiry };
}

/**
 * Whether this caller's request is kept as a request log: its session has not ended at `now`. The
 * end is checked here, so a session stops at its second even before the table is rebuilt.
 */
export function wantsDebugLog(table: DebugLogTable, identity: Identity, now: number): boolean {
  const until = table.identities.get(identity.id);
  if (until !== undefined && now < until) return true;
  if (table.clients.size === 0 || identity.oauthClientId === null) return false;
  const clientUntil = table.clients.get(identity.oauthClientId);
  return clientUntil !== undefined && now < clientUntil;
}
