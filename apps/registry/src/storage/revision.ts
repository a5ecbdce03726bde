import type { EntityManager } from 'typeorm';
import { ConfigState } from './config-state.entity.js';

/**
 * Bumps the configuration revision inside the caller's transaction and returns it. The row lock on
 * `config_state` queues writers (of APIs and policies alike) one behind the other, so the checks
 * that follow see every earlier write, and revisions commit in the order they were taken.
 */
export async function nextRevision(manager: EntityManager): Promise<number> {
  const result = await manager
    .createQueryBuilder()
    .update(ConfigState)
    .set({ revision: () => 'revision + 1' })
    .where('id = 1')
    .returning('revision')
    .execute();
  const row = (result.raw as { revision: string }[])[0];
  if (!row) throw new Error('config_state has no row: the registry migrations did not run');
  return Number(row.revision);
}
