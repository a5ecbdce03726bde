import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange } from '@portcullis/contracts';
import type { ApiDefinition, Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { setTimeout as delay } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { DataSource } from 'typeorm';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';
import { nextRevision } from '../storage/revision.js';
import { validateImport, type ImportBatch, type ImportError } from './import-items.js';

const PUBLISH_WAIT_MS = 2_000;

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
}

/** A refused import: the one error shape, with the report (every error, by source) beside it. */
export class ImportRejected extends PortcullisError {
  constructor(
    readonly report: ImportReport,
    code: 'validation_failed' | 'conflict' = 'validation_failed',
  ) {
    super(
      code,
      `Nothing was imported: ${report.errors.length} error(s)`,
      report.errors.map((error) => ({ field: `${error.source}: ${error.field}`, message: error.message })),
    );
  }

  override toBody() {
    return { ...super.toBody(), ...this.report };
  }
}

type Change =
  | { kind: 'policy'; revision: number; change: ApiChange; policy: Policy }
  | { kind: 'api'; revision: number; change: ApiChange; definition: ApiDefinition };

/**
 * Upserts a Tyk setup (policies, then API definitions) in one transaction: all of it or none.
 * An item equal to what is stored is left alone (no revision, no event), so importing the same
 * files again changes nothing. Each changed item takes its own revision, and its event is published
 * after the commit in revision order, as single writes are.
 */
@Injectable()
export class ImporterService {
  private readonly logger = new Logger(ImporterService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly apiStore: ApiStore,
    private readonly policyStore: PolicyStore,
    private readonly bus: Bus,
  ) {}

  /** Throws `ImportRejected` (nothing written) when any item is invalid or conflicts. */
  async import(batch: ImportBatch, readErrors: ImportError[] = []): Promise<ImportReport> {
    const { value, errors } = validateImport(batch);
    const allErrors = [...readErrors, ...errors];
    if (allErrors.length > 0) throw new ImportRejected({ created: 0, updated: 0, unchanged: 0, errors: allErrors });
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
    let source = '';
    let changes: Change[];
    try {
      changes = await this.dataSource.transaction(async (manager) => {
        const done: Change[] = [];
        const storedPolicies = await this.policyStore.byId(manager);
        for (const item of value.policies) {
          source = item.source;
          const stored = storedPolicies.get(item.policy.id);
          if (stored && sameJson(stored, item.policy)) {
            report.unchanged++;
            continue;
          }
          const revision = await nextRevision(manager);
          await this.policyStore.upsertIn(manager, item.policy, revision);
          done.push({ kind: 'policy', revision, change: stored ? 'updated' : 'created', policy: item.policy });
        }
        const storedApis = await this.apiStore.byId(manager);
        for (const item of value.apis) {
          source = item.source;
          const stored = storedApis.get(item.definition.api_id);
          if (stored && sameJson(stored, item.definition)) {
            report.unchanged++;
            continue;
          }
          const revision = await nextRevision(manager);
          await this.apiStore.upsertIn(manager, item.definition, revision);
          done.push({ kind: 'api', revision, change: stored ? 'updated' : 'created', definition: item.definition });
        }
        return done;
      });
    } catch (error) {
      if (error instanceof PortcullisError && error.details?.length) {
        throw new ImportRejected({ created: 0, updated: 0, unchanged: 0, errors: error.details.map((detail) => ({ source, ...detail })) }, error.code === 'conflict' ? 'conflict' : 'validation_failed');
      }
      throw error;
    }
    for (const change of changes) {
      if (change.change === 'created') report.created++;
      else report.updated++;
    }
    await this.publishAll(changes);
    return report;
  }

  /**
   * Publishes in revision order on the one connection (so gateways receive them in order), then
   * waits a bounded time: the events are best effort, as for single writes (a gateway that misses
   * one notices the revision gap and fetches a snapshot), and a bus that is down must not hold the answer.
   */
  private async publishAll(changes: Change[]): Promise<void> {
    const sent = changes.map((change) =>
      (change.kind === 'policy'
        ? this.bus.publish(subjects.registryPolicyChanged, { revision: change.revision, policy_id: change.policy.id, change: change.change, policy: change.policy })
        : this.bus.publish(subjects.registryApiChanged, { revision: change.revision, api_id: change.definition.api_id, change: change.change, definition: change.definition })
      ).catch((error: unknown) => {
        this.logger.warn(`could not publish the imported change at revision ${change.revision}: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
    const waited = new AbortController();
    const done = await Promise.race([Promise.all(sent).then(() => true), delay(PUBLISH_WAIT_MS, false, { signal: waited.signal }).catch(() => false)]);
    waited.abort();
    if (!done) this.logger.warn(`publishing ${changes.length} imported change(s) is taking over ${PUBLISH_WAIT_MS} ms; not waiting for it`);
  }
}

/** Equal as stored: jsonb keeps neither key order nor undefined fields, so compare what JSON keeps. */
function sameJson(stored: unknown, incoming: unknown): boolean {
  return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(incoming)));
}
