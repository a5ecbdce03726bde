import { Injectable } from '@nestjs/common';
import type { RegistrySnapshot } from '@portcullis/contracts';
import { routeKey, type ApiDefinition } from '@portcullis/domain';
import type { PortcullisError } from '@portcullis/errors';
import { DataSource, In, Not, type EntityManager, type QueryDeepPartialEntity } from 'typeorm';
import { apiNotFound, conflictFromUniqueViolation, listenPathTaken, listenPathTakenByOne } from './api-errors.js';
import { listClientBindings } from './client-binding-store.js';
import { ApiDefinitionRecord } from './api-definition.entity.js';
import { listCertificates } from './certificate-store.js';
import { listOpenDebugSessions } from './debug-session-store.js';
import { ConfigState } from './config-state.entity.js';
import { violatedConstraint } from './pg-errors.js';
import { PolicyRecord } from './policy.entity.js';
import { nextRevision } from './revision.js';
import { ROWS_PER_STATEMENT } from './rows-per-statement.js';

/**
 * API definitions in PostgreSQL. Each write runs in one transaction that first bumps the
 * configuration revision: the row lock on `config_state` queues writers one behind the other, so
 * the checks that follow see every earlier write, and revisions commit in the order they were taken.
 * A failed write rolls back whole, revision included.
 */
@Injectable()
export class ApiStore {
  constructor(private readonly dataSource: DataSource) {}

  /** The revision, every definition and every policy, read from one consistent view of the database. */
  snapshot(): Promise<RegistrySnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const state = await manager.findOneByOrFail(ConfigState, { id: 1 });
      const policies = await manager.find(PolicyRecord, { order: { createdAt: 'ASC', id: 'ASC' } });
      return {
        revision: state.revision,
        apis: await this.all(manager),
        policies: policies.map((record) => record.definition),
        client_bindings: await listClientBindings(manager),
        certificates: await listCertificates(manager),
        debug_sessions: await listOpenDebugSessions(manager),
      };
    });
  }

  list(): Promise<ApiDefinition[]> {
    return this.all(this.dataSource.manager);
  }

  async get(apiId: string): Promise<ApiDefinition | null> {
    const record = await this.dataSource.manager.findOneBy(ApiDefinitionRecord, { apiId });
    return record?.definition ?? null;
  }

  /** Stores a new definition; returns the revision of the write. */
  insert(definition: ApiDefinition): Promise<number> {
    // No look before the write: the unique indexes (api_id, route_key) decide in the INSERT itself,
    // and `write` turns their violation into the 409 naming the field. Two round trips fewer to the
    // database per create (embedded, each is a hop to PGlite's thread).
    return this.write(definition, async (manager, revision) => {
      const now = new Date();
      await manager.insert(ApiDefinitionRecord, {
        apiId: definition.api_id,
        routeKey: routeKey(definition),
        definition: asJsonb(definition),
        revision,
        createdAt: now,
        updatedAt: now,
      });
    });
  }

  /** Replaces a stored definition (same api_id); returns the revision of the write. */
  replace(definition: ApiDefinition): Promise<number> {
    return this.write(definition, async (manager, revision) => {
      const result = await manager.update(
        ApiDefinitionRecord,
        { apiId: definition.api_id },
        { routeKey: routeKey(definition), definition: asJsonb(definition), revision, updatedAt: new Date() },
      );
      if (!result.affected) throw apiNotFound(definition.api_id);
    });
  }

  /** Deletes a definition; returns the revision of the write. */
  async remove(apiId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const revision = await nextRevision(manager);
      const result = await manager.delete(ApiDefinitionRecord, { apiId });
      if (!result.affected) throw apiNotFound(apiId);
      return revision;
    });
  }

  /**
   * Inside the caller's transaction (an import, which checked every route against what is stored
   * while holding the revision lock): stores each definition under its revision, as a new row or
   * over the stored one, many rows per statement. Rows are written in the order given, so an API
   * that leaves a listen path is written before one that takes it; the unique index still guards.
   * The conflict target is the primary key: the listen paths' constraint is DEFERRABLE (an applied
   * set defers it), and PostgreSQL refuses a deferrable constraint as an ON CONFLICT arbiter.
   */
  async upsertManyIn(manager: EntityManager, rows: readonly { definition: ApiDefinition; revision: number }[]): Promise<void> {
    const now = new Date();
    for (let at = 0; at < rows.length; at += ROWS_PER_STATEMENT) {
      const values = rows.slice(at, at + ROWS_PER_STATEMENT).map(({ definition, revision }) => ({
        apiId: definition.api_id,
        routeKey: routeKey(definition),
        definition: asJsonb(definition),
        revision,
        createdAt: now,
        updatedAt: now,
      }));
      await manager
        .createQueryBuilder()
        .insert()
        .into(ApiDefinitionRecord)
        .values(values)
        .orUpdate(['route_key', 'definition', 'revision', 'updated_at'], ['api_id'])
        .updateEntity(false)
        .execute();
    }
  }

  /**
   * Inside the caller's transaction: the listen paths' unique constraint is checked at COMMIT instead
   * of at each statement, so two APIs can swap paths. Only for a writer that checked its final state
   * for duplicate paths first (an applied set); a path another writer took still refuses the COMMIT.
   */
  async deferListenPathCheckIn(manager: EntityManager): Promise<void> {
    const schema = manager.connection.driver.escape(manager.connection.driver.schema ?? 'public');
    await manager.query(`SET CONSTRAINTS ${schema}.api_definitions_route_key_key DEFERRED`);
  }

  /**
   * After a transaction that wrote `definitions` with the listen path check deferred failed at its
   * COMMIT and rolled back: the 409 naming the path (and the API holding it), else undefined.
   */
  async listenPathConflictAmong(error: unknown, definitions: readonly ApiDefinition[]): Promise<PortcullisError | undefined> {
    const constraint = violatedConstraint(error, 'unique');
    if (constraint === undefined || !constraint.includes('route_key')) return undefined;
    // PostgreSQL names the key in its detail: `Key (route_key)=(<key>) already exists.`
    const detail = (error as { driverError?: { detail?: unknown } }).driverError?.detail;
    const key = typeof detail === 'string' ? /^Key \(route_key\)=\((.*)\) already exists\.?$/s.exec(detail)?.[1] : undefined;
    const named = definitions.find((definition) => routeKey(definition) === key);
    for (const definition of named ? [named] : definitions) {
      const holder = await this.routeHolder(definition);
      if (holder !== undefined) return listenPathTaken(definition, holder);
    }
    return named ? listenPathTaken(named) : listenPathTakenByOne();
  }

  /** Inside the caller's transaction (an applied configuration set): deletes the definition, if stored. */
  async removeIn(manager: EntityManager, apiId: string): Promise<void> {
    await manager.delete(ApiDefinitionRecord, { apiId });
  }

  /** Every stored definition by id, read with the caller's manager (in its transaction) or outside any. */
  async byId(manager: EntityManager = this.dataSource.manager): Promise<Map<string, ApiDefinition>> {
    return new Map((await this.all(manager)).map((definition) => [definition.api_id, definition]));
  }

  /** Which of these ids name a stored definition. */
  async existing(apiIds: string[]): Promise<Set<string>> {
    if (apiIds.length === 0) return new Set();
    const records = await this.dataSource.manager.find(ApiDefinitionRecord, { select: { apiId: true }, where: { apiId: In(apiIds) } });
    return new Set(records.map((record) => record.apiId));
  }

  private async write(definition: ApiDefinition, work: (manager: EntityManager, revision: number) => Promise<void>): Promise<number> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const revision = await nextRevision(manager);
        await work(manager, revision);
        return revision;
      });
    } catch (error) {
      throw (await this.conflictOf(error, definition)) ?? error;
    }
  }

  /**
   * After a write of `definition` failed and its transaction rolled back: the 409 naming the field
   * (and the API holding the listen path) when a unique index refused it, else undefined.
   */
  async conflictOf(error: unknown, definition: ApiDefinition): Promise<PortcullisError | undefined> {
    const conflict = conflictFromUniqueViolation(error, definition);
    if (conflict === undefined) return undefined;
    // Which API holds the path is read now, only on this (rare) path.
    const holder = conflict.details?.[0]?.field === 'proxy.listen_path' ? await this.routeHolder(definition) : undefined;
    return holder === undefined ? conflict : listenPathTaken(definition, holder);
  }

  /** The API that listens where `definition` wants to, if another does. */
  private async routeHolder(definition: ApiDefinition): Promise<string | undefined> {
    const other = await this.dataSource.manager.findOne(ApiDefinitionRecord, {
      select: { apiId: true },
      where: { routeKey: routeKey(definition), apiId: Not(definition.api_id) },
    });
    return other?.apiId;
  }

  private async all(manager: EntityManager): Promise<ApiDefinition[]> {
    const records = await manager.find(ApiDefinitionRecord, { order: { createdAt: 'ASC', apiId: 'ASC' } });
    return records.map((record) => record.definition);
  }
}

/** TypeORM's deep-partial typing cannot follow the definition's open (passthrough) shape; it is stored whole. */
function asJsonb(definition: ApiDefinition): QueryDeepPartialEntity<ApiDefinition> {
  return definition as QueryDeepPartialEntity<ApiDefinition>;
}
