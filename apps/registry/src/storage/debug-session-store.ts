import { Injectable } from '@nestjs/common';
import type { DebugSession } from '@portcullis/contracts';
import { qualifiedTable } from '@portcullis/database';
import { PortcullisError } from '@portcullis/errors';
import { DataSource, type EntityManager } from 'typeorm';
import { nextRevision } from './revision.js';

interface DebugSessionRow {
  id: string;
  identity: string | null;
  oauth_client_id: string | null;
  created_ms: string | number;
  expires_ms: string | number;
}

const columns = `id, identity, oauth_client_id,
  (extract(epoch FROM created_at) * 1000)::bigint AS created_ms, (extract(epoch FROM expires_at) * 1000)::bigint AS expires_ms`;

export function debugSessionNotFound(id: string): PortcullisError {
  return new PortcullisError('not_found', `No open debug session with id ${JSON.stringify(id)}`);
}

/**
 * Debug sessions in PostgreSQL. Each start and cancellation bumps the configuration revision, as API
 * and certificate writes do, so gateways see them in the same ordered stream of changes (and a
 * gateway that missed one catches up from the snapshot, which holds the sessions not yet ended).
 */
@Injectable()
export class DebugSessionStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores a session; returns the revision of the write. Sessions that ended are forgotten meanwhile. */
  insert(session: DebugSession): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const table = qualifiedTable(manager.connection, 'analytics_debug_sessions');
      // Ended sessions mean nothing to anyone: a few rows at most, dropped here rather than by a job.
      await manager.query(`DELETE FROM ${table} WHERE expires_at <= now()`);
      await manager.query(
        `INSERT INTO ${table} (id, identity, oauth_client_id, created_at, expires_at, revision)
         VALUES ($1, $2, $3, to_timestamp($4 / 1000.0), to_timestamp($5 / 1000.0), $6)`,
        [session.id, session.identity ?? null, session.oauth_client_id ?? null, session.created_at, session.expires_at, revision],
      );
      return revision;
    });
  }

  /** Cancels an open session; returns the revision of the write. */
  remove(id: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const deleted = (await manager.query(
        `DELETE FROM ${qualifiedTable(manager.connection, 'analytics_debug_sessions')} WHERE id = $1 AND expires_at > now() RETURNING id`,
        [id],
      )) as [unknown[], number];
      // Nothing cancelled: the revision taken rolls back with the transaction.
      if (deleted[1] === 0) throw debugSessionNotFound(id);
      return revision;
    });
  }

  listOpen(): Promise<DebugSession[]> {
    return listOpenDebugSessions(this.dataSource.manager);
  }
}

/** The sessions not yet ended, the oldest first; inside the snapshot's transaction too. */
export async function listOpenDebugSessions(manager: EntityManager): Promise<DebugSession[]> {
  const rows = (await manager.query(
    `SELECT ${columns} FROM ${qualifiedTable(manager.connection, 'analytics_debug_sessions')} WHERE expires_at > now() ORDER BY created_at, id`,
  )) as DebugSessionRow[];
  return rows.map((row) => ({
    id: row.id,
    ...(row.identity === null ? {} : { identity: row.identity }),
    ...(row.oauth_client_id === null ? {} : { oauth_client_id: row.oauth_client_id }),
    created_at: Number(row.created_ms),
    expires_at: Number(row.expires_ms),
  }));
}
