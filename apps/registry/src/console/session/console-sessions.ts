import { Injectable } from '@nestjs/common';
import { sha256Hex } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { ConsoleSessionStore } from '../storage/console-session-store.js';

/**
 * How long an operator stays signed in: a fixed lifetime, shorter than a developer's in the portal
 * (an operator can change every API), so a stolen cookie does not live on by being used.
 */
export const CONSOLE_SESSION_TTL_SECONDS = 4 * 60 * 60;

/** 32 random bytes, base64url: anything else in the cookie is not one of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/** Who a session belongs to. */
export interface Operator {
  /** `admin-secret:` and the secret's fingerprint, or `oidc:` and the provider's subject. */
  id: string;
  /** What the pages call them. */
  name: string;
}

export interface ConsoleSession {
  /** SHA-256 of the cookie's id: what the CSRF tokens are bound to. */
  idHash: string;
  operator: Operator;
}

/** Server-side operator sessions: the cookie carries a random id, the table only its hash. */
@Injectable()
export class ConsoleSessions {
  constructor(private readonly rows: ConsoleSessionStore) {}

  /** A new session (a new id at every sign-in, so an id planted before it is worth nothing). */
  async start(operator: Operator, now = new Date()): Promise<{ id: string; session: ConsoleSession }> {
    const id = randomBytes(32).toString('base64url');
    const idHash = sha256Hex(id);
    await this.rows.pruneExpired(now);
    await this.rows.insert({
      idHash,
      operator: operator.id,
      displayName: operator.name,
      createdAt: now,
      expiresAt: new Date(now.getTime() + CONSOLE_SESSION_TTL_SECONDS * 1000),
    });
    return { id, session: { idHash, operator } };
  }

  async find(id: string | undefined, now = new Date()): Promise<ConsoleSession | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const row = await this.rows.findLive(sha256Hex(id), now);
    return row ? { idHash: row.idHash, operator: { id: row.operator, name: row.displayName } } : null;
  }

  async end(session: ConsoleSession): Promise<void> {
    await this.rows.delete(session.idHash);
  }
}
