import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange, type DebugSession } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { randomUUID } from 'node:crypto';
import { DebugSessionStore } from '../storage/debug-session-store.js';
import { parseDebugSessionInput } from './debug-session-input.js';

/**
 * Debug sessions: "keep every request of this caller as a request log for the next N minutes". A
 * session is stored, then announced to the gateways with its revision; each gateway keeps the caller's
 * requests until the end it was given, and stops by itself (no second message is needed, and a
 * gateway restarted meanwhile gets the open sessions from its snapshot).
 */
@Injectable()
export class DebugSessionsService {
  private readonly logger = new Logger(DebugSessionsService.name);

  constructor(
    private readonly store: DebugSessionStore,
    private readonly bus: Bus,
  ) {}

  async start(body: unknown, now = Date.now()): Promise<DebugSession> {
    const parsed = parseDebugSessionInput(body);
    if (!parsed.ok) throw new PortcullisError('validation_failed', 'The debug session is not valid', parsed.errors);
    const session: DebugSession = {
      id: randomUUID(),
      ...parsed.value.target,
      created_at: now,
      expires_at: now + parsed.value.durationSeconds * 1000,
    };
    const revision = await this.store.insert(session);
    await this.announce(revision, session.id, 'created', session);
    return session;
  }

  list(): Promise<DebugSession[]> {
    return this.store.listOpen();
  }

  async cancel(id: string): Promise<void> {
    const revision = await this.store.remove(id);
    await this.announce(revision, id, 'deleted', null);
  }

  /** Publishes a committed change; never fails the write it follows (gateways re-sync on a revision gap). */
  private async announce(revision: number, id: string, change: ApiChange, session: DebugSession | null): Promise<void> {
    await this.bus.publishBestEffort(
      [{ subject: subjects.registryDebugSessionChanged, payload: { revision, session_id: id, change, session } }],
      `${change} of debug session ${id} (revision ${revision})`,
      this.logger,
    );
  }
}
