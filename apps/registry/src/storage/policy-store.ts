import { Injectable } from '@nestjs/common';
import type { Policy } from '@portcullis/domain';
import { DataSource, In, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { policyIdTaken, policyNotFound } from './policy-errors.js';
import { violatedConstraint } from './pg-errors.js';
import { PolicyRecord } from './policy.entity.js';
import { nextRevision } from './revision.js';
import { ROWS_PER_STATEMENT } from './rows-per-statement.js';

/**
 * Policies in PostgreSQL. Each write bumps the same configuration revision as API writes, in its
 * own transaction, so gateways see one ordered stream of changes whatever was changed.
 */
@Injectable()
export class PolicyStore {
  constructor(private readonly dataSource: DataSource) {}

  list(): Promise<Policy[]> {
    return this.all(this.dataSource.manager);
  }

  async get(id: string): Promise<Policy | null> {
    const record = await this.dataSource.manager.findOneBy(PolicyRecord, { id });
    return record?.definition ?? null;
  }

  /** Stores a new policy; returns the revision of the write. */
  async insert(policy: Policy): Promise<number> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const revision = await nextRevision(manager);
        if (await manager.existsBy(PolicyRecord, { id: policy.id })) throw policyIdTaken(policy.id);
        const now = new Date();
        await manager.insert(PolicyRecord, { id: policy.id, definition: asJsonb(policy), revision, createdAt: now, updatedAt: now });
        return revision;
      });
    } catch (error) {
      // Two creators racing past the check: the primary key decides, with the same 409.
      if (violatedConstraint(error, 'unique') !== undefined) throw policyIdTaken(policy.id);
      throw error;
    }
  }

  /** Replaces a stored policy (same id); returns the revision of the write. */
  replace(policy: Policy): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const result = await manager.update(PolicyRecord, { id: policy.id }, { definition: asJsonb(policy), revision, updatedAt: new Date() });
      if (!result.affected) throw policyNotFound(policy.id);
      return revision;
    });
  }

  /**
   * Deletes a policy; returns the revision of the write. Keys and clients that still name it are
   * left alone, as in Tyk: gateways then treat the reference as absent.
   */
  remove(id: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const result = await manager.delete(PolicyRecord, { id });
      if (!result.affected) throw policyNotFound(id);
      return revision;
    });
  }

  /** Inside the caller's transaction (an import): stores each policy under its revision, new or over the stored one, many per statement. */
  async upsertManyIn(manager: EntityManager, rows: readonly { policy: Policy; revision: number }[]): Promise<void> {
    const now = new Date();
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
      const values = rows
        .slice(at, at + ROWS_PER_STATEMENT)
        .map(({ policy, revision }) => ({ id: policy.id, definition: asJsonb(policy), revision, createdAt: now, updatedAt: now }));
      await manager
        .createQueryBuilder()
        .insert()
        .into(PolicyRecord)
        .values(values)
        .orUpdate(['definition', 'revision', 'updated_at'], ['id'])
        .updateEntity(false)
        .execute();
    }
  }

  /** Inside the caller's transaction (an applied configuration set): deletes the policy, if stored. */
  async removeIn(manager: EntityManager, id: string): Promise<void> {
    await manager.delete(PolicyRecord, { id });
  }

  /** Every stored policy by id, read with the caller's manager (in its transaction) or outside any. */
  async byId(manager: EntityManager = this.dataSource.manager): Promise<Map<string, Policy>> {
    return new Map((await this.all(manager)).map((policy) => [policy.id, policy]));
  }

  /** Which of these ids name a stored policy. */
  async existing(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const records = await this.dataSource.manager.find(PolicyRecord, { select: { id: true }, where: { id: In(ids) } });
    return new Set(records.map((record) => record.id));
  }

  private async all(manager: EntityManager): Promise<Policy[]> {
    const records = await manager.find(PolicyRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
    return records.map((record) => record.definition);
  }
}

/** TypeORM's deep-partial typing cannot follow the policy's open (passthrough) shape; it is stored whole. */
function asJsonb(policy: Policy): QueryDeepPartialEntity<Policy> {
  return policy as QueryDeepPartialEntity<Policy>;
}
