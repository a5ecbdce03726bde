import { Injectable } from '@nestjs/common';
import { sha256Hex } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { PortalSessionStore } from '../storage/portal-session-store.js';

/** How long a login lasts; a fixed lifetime, so a stolen cookie does not live on by being used. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

/** 32 random bytes, base64url: anything else in the cookie is not one of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

export interface PortalSession {
  /** SHA-256 of the cookie's id: what the CSRF tokens are bound to. */
  idHash: string;
  developerId: string;
}

/** Server-side developer sessions: the cookie carries a random id, the table only its hash. */
@Injectable()
export class PortalSessions {
  constructor(private readonly rows: PortalSessionStore) {}

  /** A new session (a new id at every login, so an id planted before login is worth nothing). */
  async start(developerId: string, now = new Date()): Promise<{ id: string; session: PortalSession }> {
    const id = randomBytes(32).toString('base64url');
    const idHash = sha256Hex(id);
    await this.rows.pruneExpired(now);
    await this.rows.insert({ idHash, developerId, createdAt: now, expiresAt: new Date(now.getTime() + SESSION_TTL_SECONDS * 1000) });
    return { id, session: { idHash, developerId } };
  }

  async find(id: string | undefined, now = new Date()): Promise<PortalSession | null> {
    if (!id || !SESSION_ID.test(id)) return null;
    const row = await this.rows.findLive(sha256Hex(id), now);
    return row ? { idHash: row.idHash, developerId: row.developerId } : null;
  }

  async end(session: PortalSession): Promise<void> {
    await this.rows.delete(session.idHash);
  }

  /** Every session of a developer: after a password reset, or when they are blocked or deleted. */
  async endAllFor(developerId: string): Promise<void> {
    await this.rows.deleteAllFor(developerId);
  }
}
