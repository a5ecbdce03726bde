import type { DataSource, EntityManager } from 'typeorm';
import { ConfigState } from './config-state.entity.js';

/**
 * Bumps the configuration revision inside the caller's transaction and returns it. The row lock on
 * `config_state` queues writers (of APIs and policies alike) one behind the other, so the checks
 * that follow see every earlier write, and revisions commit in the order they were taken. With
 * `count`, takes that many consecutive revisions and returns the last.
 */
export async function nextRevision(manager: EntityManager, count = 1): Promise<number> {
  const result = await manager
    .createQueryBuilder()
    .update(ConfigState)
    .set({ revision: () => `revision + ${Math.trunc(count)}` })
    .where('id = 1')
    .returning('revision')
    .execute();
  const row = (result.raw as { revision: string }[])[0];
  if (!row) throw new Error('config_state has no row: the registry migrations did not run');
  return Number(row.revision);
}

/**
 * Takes the revision row's lock without moving the revision (an import: it plans first, and only
 * then knows how many revisions it needs); returns the current revision. Writers queue behind it
 * as behind `nextRevision`, so what the import reads next is what it writes over.
 */
export async function lockRevision(manager: EntityManager): Promise<number> {
  const state = await manager.createQueryBuilder(ConfigState, 'state').setLock('pessimistic_write').where('state.id = 1').getOne();
  if (!state) throw new Error('config_state has no row: the registry migrations did not run');
  return state.revision;
}

/**
 * The committed revision, read without a lock (an applied set reads it before what is stored, and
 * compares it under the lock before writing: had it moved, a write landed in between).
 */
export async function currentRevision(manager: EntityManager): Promise<number> {
  const state = await manager.findOneBy(ConfigState, { id: 1 });
  if (!state) throw new Error('config_state has no row: the registry migrations did not run');
  return state.revision;
}

/**
 * A write that does not move the revision (a catalogue entry, a provider) in its own transaction
 * behind the revision's lock: an applied set holding the lock is waited for, and one that takes the
 * lock after it sees the write when it compares those items again.
 */
export function behindRevisionLock<T>(dataSource: DataSource, write: (manager: EntityManager) => Promise<T>): Promise<T> {
  return dataSource.transaction(async (manager) => {
    await lockRevision(manager);
    return write(manager);
  });
}
