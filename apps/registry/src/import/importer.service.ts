import { Injectable, Logger } from '@nestjs/common';
import { Bus, type BusEvent } from '@portcullis/bus';
import { subjects, type ApiChange } from '@portcullis/contracts';
import { compatibilityReport, routeKey, type ApiDefinition, type CompatibilityReport, type Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { listenPathTaken } from '../storage/api-errors.js';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';
import { nextRevision } from '../storage/revision.js';
import { Transactions } from '../storage/transactions.js';
import { checkImportItems, type ImportBatch, type ImportError } from './import-items.js';

export type ItemOutcome = 'created' | 'updated' | 'unchanged' | 'refused';

/** What became (or, in a dry run, would become) of one item, with every reason when refused. */
export interface ImportItemReport {
  /** `file`: a file or folder that could not be read or parsed. */
  kind: 'policy' | 'api' | 'file';
  source: string;
  id?: string;
  outcome: ItemOutcome;
  reasons?: { field: string; message: string }[];
  /** API definitions, in a dry run: what Portcullis enforces, ignores and refuses of it. */
  compatibility?: CompatibilityReport;
}

export interface ImportReport {
  dry_run: boolean;
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
  /** Every reason of every refused item, flat (source, field, message). */
  errors: ImportError[];
  items: ImportItemReport[];
}

export interface ImportMode {
  /** Plan only: answer what would happen, write nothing. */
  dryRun?: boolean;
  /** Import what can be imported and refuse the rest (the start-up import); otherwise all or nothing. */
  partial?: boolean;
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
  { kind: 'policy'; revision: number; change: ApiChange; policy: Policy } | { kind: 'api'; revision: number; change: ApiChange; definition: ApiDefinition };

/** An item's plan; `conflict`: refused only because its listen path is taken (a 409, not a 400). */
type Planned = ImportItemReport & { policy?: Policy; definition?: ApiDefinition; conflict?: boolean };

/**
 * Upserts a Tyk setup (policies, then API definitions) in one transaction. Each item is planned
 * first (validated on its own, compared with what is stored, its listen path checked against the
 * stored routes and the import's earlier items), so a dry run answers per item without writing.
 * All or nothing by default; `partial` (the start-up import) writes what can be written and refuses
 * the rest. An item equal to what is stored is left alone (no revision, no event), so importing the
 * same files again changes nothing. Each changed item takes its own revision, and its event is
 * published after the commit in revision order, as single writes are.
 */
@Injectable()
export class ImporterService {
  private readonly logger = new Logger(ImporterService.name);
  private last: ImportReport | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly apiStore: ApiStore,
    private readonly policyStore: PolicyStore,
    private readonly bus: Bus,
  ) {}

  /** The report of the last import that was not a dry run (in this registry process), or null. */
  lastReport(): ImportReport | null {
    return this.last;
  }

  /**
   * Throws `ImportRejected` (nothing written) when, outside `partial`, any item is refused; a dry
   * run never throws for an item, it reports it.
   */
  async import(batch: ImportBatch, readErrors: ImportError[] = [], mode: ImportMode = {}): Promise<ImportReport> {
    const dryRun = mode.dryRun === true;
    const planned = await this.plan(batch, readErrors, undefined, dryRun);
    const report = summarise(planned, dryRun);
    if (dryRun) return report;
    if (!mode.partial && report.refused > 0) {
      this.last = { ...report, created: 0, updated: 0, unchanged: 0 };
      const onlyConflicts = planned.every((item) => item.outcome !== 'refused' || item.conflict === true);
      throw new ImportRejected(this.last, onlyConflicts ? 'conflict' : 'validation_failed');
    }
    let source = '';
    let changes: Change[];
    try {
      changes = await this.transactions.run(async (manager) => {
        // Planned again inside the transaction, so a write that raced the first plan is seen.
        const final = await this.plan(batch, readErrors, manager, false);
        planned.splice(0, planned.length, ...final);
        const done: Change[] = [];
        for (const item of final) {
          if (item.outcome !== 'created' && item.outcome !== 'updated') continue;
          source = item.source;
          const revision = await nextRevision(manager);
          if (item.policy) {
            await this.policyStore.upsertIn(manager, item.policy, revision);
            done.push({ kind: 'policy', revision, change: item.outcome, policy: item.policy });
          } else if (item.definition) {
            await this.apiStore.upsertIn(manager, item.definition, revision);
            done.push({ kind: 'api', revision, change: item.outcome, definition: item.definition });
          }
        }
        return done;
      });
    } catch (error) {
      if (error instanceof PortcullisError && error.details?.length) {
        this.last = { ...summarise([], false), errors: error.details.map((detail) => ({ source, ...detail })) };
        throw new ImportRejected(this.last, error.code === 'conflict' ? 'conflict' : 'validation_failed');
      }
      throw error;
    }
    const done = summarise(planned, false);
    if (!mode.partial && done.refused > 0) throw new ImportRejected(done);
    this.last = done;
    await this.publishAll(changes);
    return done;
  }

  private async plan(batch: ImportBatch, readErrors: ImportError[], manager: EntityManager | undefined, dryRun: boolean): Promise<Planned[]> {
    const planned: Planned[] = readErrors.map((error) => ({
      kind: 'file',
      source: error.source,
      outcome: 'refused',
      reasons: [{ field: error.field, message: error.message }],
    }));
    const storedPolicies = await this.policyStore.byId(manager);
    const storedApis = await this.apiStore.byId(manager);
    const routes = new Map([...storedApis.values()].map((definition) => [routeKey(definition), definition.api_id]));
    for (const item of checkImportItems(batch)) {
      const base: Planned = { kind: item.kind, source: item.source, ...(item.id ? { id: item.id } : {}), outcome: 'refused' };
      if (item.kind === 'api' && dryRun && item.input !== null && typeof item.input === 'object' && !Array.isArray(item.input)) {
        base.compatibility = compatibilityReport(item.input as Record<string, unknown>);
      }
      if (!item.ok) {
        planned.push({ ...base, reasons: item.errors.map(({ field, message }) => ({ field, message })) });
      } else if (item.kind === 'policy') {
        const stored = storedPolicies.get(item.policy.id);
        planned.push({ ...base, outcome: stored ? (sameJson(stored, item.policy) ? 'unchanged' : 'updated') : 'created', policy: item.policy });
      } else {
        const definition = item.definition;
        const stored = storedApis.get(definition.api_id);
        const key = routeKey(definition);
        const holder = routes.get(key);
        if (holder !== undefined && holder !== definition.api_id) {
          const taken = listenPathTaken(definition, holder).details ?? [];
          planned.push({ ...base, reasons: taken, conflict: true });
          continue;
        }
        if (stored) routes.delete(routeKey(stored));
        routes.set(key, definition.api_id);
        planned.push({ ...base, outcome: stored ? (sameJson(stored, definition) ? 'unchanged' : 'updated') : 'created', definition });
      }
    }
    return planned;
  }

  /**
   * Publishes in revision order on the one connection (so gateways receive them in order), then
   * waits a bounded time: the events are best effort, as for single writes (a gateway that misses
   * one notices the revision gap and fetches a snapshot), and a bus that is down must not hold the answer.
   */
  private async publishAll(changes: Change[]): Promise<void> {
    const events = changes.map((change): BusEvent =>
      change.kind === 'policy'
        ? {
            subject: subjects.registryPolicyChanged,
            payload: { revision: change.revision, policy_id: change.policy.id, change: change.change, policy: change.policy },
          }
        : {
            subject: subjects.registryApiChanged,
            payload: { revision: change.revision, api_id: change.definition.api_id, change: change.change, definition: change.definition },
          },
    );
    await this.bus.publishBestEffort(events, `${changes.length} imported change(s)`, this.logger);
  }
}

function summarise(planned: Planned[], dryRun: boolean): ImportReport {
  const count = (outcome: ItemOutcome) => planned.filter((item) => item.outcome === outcome).length;
  return {
    dry_run: dryRun,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    refused: count('refused'),
    errors: planned.flatMap((item) => (item.reasons ?? []).map((reason) => ({ source: item.source, ...reason }))),
    items: planned.map(({ policy: _policy, definition: _definition, conflict: _conflict, ...item }) => item),
  };
}

/** Equal as stored: jsonb keeps neither key order nor undefined fields, so compare what JSON keeps. */
function sameJson(stored: unknown, incoming: unknown): boolean {
  return isDeepStrictEqual(stored, JSON.parse(JSON.stringify(incoming)));
}
