import { Injectable, Logger } from '@nestjs/common';
import { Bus, type BusEvent } from '@portcullis/bus';
import { subjects, type ConfigBatchEvent } from '@portcullis/contracts';
import { compatibilityReport, routeKey, type ApiDefinition, type CompatibilityReport, type Policy } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { listenPathTaken } from '../storage/api-errors.js';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';
import { lockRevision, nextRevision } from '../storage/revision.js';
import { Transactions } from '../storage/transactions.js';
import { changeBatches, type ImportedChange } from './change-batches.js';
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

/** An item's plan; `conflict`: refused only because its listen path is taken (a 409, not a 400). */
type Planned = ImportItemReport & { policy?: Policy; definition?: ApiDefinition; conflict?: boolean };

/**
 * Upserts a Tyk setup (policies, then API definitions) in one transaction. Each item is planned
 * first (validated on its own, compared with what is stored, its listen path checked against the
 * stored routes and the import's earlier items), so a dry run answers per item without writing.
 * All or nothing by default; `partial` (the start-up import) writes what can be written and refuses
 * the rest. An item equal to what is stored is left alone (no revision, no event), so importing the
 * same files again changes nothing. The changes are written many rows a statement and announced
 * after the commit as batch events (registry.config.batch): one for a small import, one per
 * 256 KB of changes for a large one, each with its own revision, so a gateway applies 10,000 APIs
 * in a dozen steps rather than 10,000.
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
    if (mode.dryRun === true) return summarise(await this.plan(batch, readErrors, undefined, true), true);
    const { planned, events } = await this.transactions.run(async (manager) => {
      // The revision row's lock first: every other writer queues behind it, so the plan made here
      // is exactly what the import writes over (planned once: validating 10,000 items is not free).
      await lockRevision(manager);
      const planned = await this.plan(batch, readErrors, manager, false);
      // Thrown inside the transaction: nothing is written.
      if (!mode.partial && planned.some((item) => item.outcome === 'refused')) throw this.rejected(planned);
      return { planned, events: await this.write(manager, planned) };
    });
    const done = summarise(planned, false);
    this.last = done;
    await this.bus.publishBestEffort(
      events.map((payload): BusEvent => ({ subject: subjects.registryConfigBatch, payload })),
      `${events.length} import batch(es)`,
      this.logger,
    );
    return done;
  }

  /** All or nothing, and something was refused: the report says what and why, and nothing counts as done. */
  private rejected(planned: Planned[]): ImportRejected {
    this.last = { ...summarise(planned, false), created: 0, updated: 0, unchanged: 0 };
    const onlyConflicts = planned.every((item) => item.outcome !== 'refused' || item.conflict === true);
    return new ImportRejected(this.last, onlyConflicts ? 'conflict' : 'validation_failed');
  }

  /**
   * Writes the planned changes, many rows a statement, and returns their batch events: each batch
   * takes the next revision (one for a small import), and its rows carry it, so a snapshot and the
   * events agree on which revision holds which change.
   */
  private async write(manager: EntityManager, planned: Planned[]): Promise<ConfigBatchEvent[]> {
    const changes: ImportedChange[] = [];
    for (const item of planned) {
      if (item.outcome !== 'created' && item.outcome !== 'updated') continue;
      if (item.policy) changes.push({ kind: 'policy', change: item.outcome, policy: item.policy });
      else if (item.definition) changes.push({ kind: 'api', change: item.outcome, definition: item.definition });
    }
    // Cut now, to the server connected now (a reconnect may have changed its max_payload).
    const batches = changeBatches(changes, this.bus.messagePieceBytes());
    if (batches.length === 0) return [];
    const first = (await nextRevision(manager, batches.length)) - batches.length + 1;
    const events = batches.map((batch, index): ConfigBatchEvent => ({ revision: first + index, ...batch }));
    await this.policyStore.upsertManyIn(
      manager,
      events.flatMap((event) => event.policies.map((entry) => ({ policy: entry.policy!, revision: event.revision }))),
    );
    await this.apiStore.upsertManyIn(
      manager,
      events.flatMap((event) => event.apis.map((entry) => ({ definition: entry.definition!, revision: event.revision }))),
    );
    return events;
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
