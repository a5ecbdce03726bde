import { Injectable, Logger } from '@nestjs/common';
import { Bus, type BusEvent } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { isDeepStrictEqual } from 'node:util';
import type { EntityManager } from 'typeorm';
import { CatalogueEntryRecord } from '../portal/catalogue/catalogue-entry.entity.js';
import { catalogueColumns, toEntry } from '../portal/catalogue/catalogue.service.js';
import { DcrProviderRecord } from '../portal/providers/dcr-provider.entity.js';
import { discoverProvider } from '../portal/providers/provider-discovery.js';
import { SecretSealer } from '../portal/providers/sealed-secrets.js';
import { CatalogueStore } from '../portal/storage/catalogue-store.js';
import { PortalAppStore } from '../portal/storage/portal-app-store.js';
import { ExternalRegistrationStore, ProviderStore } from '../portal/storage/provider-store.js';
import { ApiStore } from '../storage/api-store.js';
import { PolicyStore } from '../storage/policy-store.js';
import { violatedConstraint } from '../storage/pg-errors.js';
import { currentRevision, lockRevision, nextRevision } from '../storage/revision.js';
import { Transactions } from '../storage/transactions.js';
import { checkFinalState, planChanges, validateSet, type Plan, type ProviderSettings, type StoredConfig, type Wanted } from './config-plan.js';
import type { ApplyReport, ConfigSet, PlannedChange, SourcedError } from './config-set.js';

/** A refused set: nothing was written. The plan (when there is one) and every error, by file, beside the one error shape. */
export class ApplyRejected extends PortcullisError {
  constructor(
    code: 'validation_failed' | 'conflict',
    message: string,
    readonly errors: SourcedError[],
    readonly changes: PlannedChange[] = [],
  ) {
    super(
      code,
      message,
      errors.map((error) => ({ field: `${error.source}: ${error.field}`, message: error.message })),
    );
  }

  override toBody() {
    return { ...super.toBody(), errors: this.errors, changes: this.changes };
  }
}

type Planned = Plan['changes'][number];

/**
 * Makes the registry match a whole configuration set (the `portcullis apply` command), all or
 * nothing: every item validated first, as the single-item routes do, then every write in one
 * transaction, then the change events, after the commit, in revision order.
 */
@Injectable()
export class ConfigApplyService {
  private readonly logger = new Logger(ConfigApplyService.name);

  constructor(
    private readonly transactions: Transactions,
    private readonly apis: ApiStore,
    private readonly policies: PolicyStore,
    private readonly catalogue: CatalogueStore,
    private readonly providers: ProviderStore,
    private readonly registrations: ExternalRegistrationStore,
    private readonly apps: PortalAppStore,
    private readonly sealer: SecretSealer,
    private readonly bus: Bus,
  ) {}

  async apply(set: ConfigSet): Promise<ApplyReport> {
    const { wanted, errors } = validateSet(set);
    if (errors.length > 0) throw new ApplyRejected('validation_failed', `Nothing was applied: ${errors.length} error(s)`, errors);
    // The revision first: a write committed after it moves it, whether or not `stored` saw the write.
    const revision = await currentRevision(this.transactions.manager);
    const stored = await this.stored();
    const changes = planChanges(wanted, stored);
    const discovered = await this.discover(changes, stored);
    const finalErrors = [...discovered.errors, ...checkFinalState(wanted, discovered.endpoints)];
    if (finalErrors.length > 0)
      throw new ApplyRejected('validation_failed', `Nothing was applied: ${finalErrors.length} error(s)`, finalErrors, public_(changes));
    await this.refuseDeletions(set, changes);
    const report = summarise(changes, set);
    if (set.dry_run || changes.every((change) => change.action === 'unchanged')) return report;
    const events = await this.write(changes, discovered.endpoints, { revision, stored });
    await this.bus.publishBestEffort(events, `${events.length} applied change(s)`, this.logger);
    return report;
  }

  private async stored(): Promise<StoredConfig> {
    const [apis, policies, portal] = await Promise.all([this.apis.byId(), this.policies.byId(), this.portal()]);
    return { apis, policies, ...portal };
  }

  /**
   * The catalogue and the providers, as compared. Their writes do not move the revision: the apply
   * reads them again under the revision's lock (which their writers queue behind) and compares.
   */
  private async portal(manager?: EntityManager): Promise<Pick<StoredConfig, 'catalogue' | 'providers'>> {
    const [entries, providers] = await Promise.all([this.catalogue.list(manager), this.providers.list(manager)]);
    return {
      catalogue: new Map(entries.map((record) => [record.id, toEntry(record)])),
      providers: new Map(providers.map((record) => [record.id, this.settingsOf(record)])),
    };
  }

  private settingsOf(record: DcrProviderRecord): ProviderSettings {
    let token: string | null = null;
    if (record.initialAccessToken !== null) {
      try {
        token = this.sealer.open(record.initialAccessToken, record.id);
      } catch {
        // Sealed under another admin secret: unreadable, so any token in the file differs from it.
        token = '';
      }
    }
    return {
      id: record.id,
      name: record.name,
      discovery_url: record.discoveryUrl,
      grant_types: record.grantTypes,
      response_types: record.responseTypes,
      token_endpoint_auth_method: record.tokenEndpointAuthMethod,
      scope: record.scope,
      initial_access_token: token,
      issuer: record.issuer,
      jwks_uri: record.jwksUri,
    };
  }

  /** Providers created or changed are discovered again (and checked), as the single-item route does; the others keep what was discovered. */
  private async discover(changes: Planned[], stored: StoredConfig) {
    const endpoints = new Map<string, { issuer: string; discovery_url: string; jwks_uri: string; registration_endpoint?: string; token_endpoint?: string }>();
    const errors: SourcedError[] = [];
    for (const [id, provider] of stored.providers) endpoints.set(id, provider);
    for (const change of changes) {
      const wanted = change.wanted;
      if (wanted?.kind !== 'provider' || change.action === 'unchanged') continue;
      try {
        const found = await discoverProvider(wanted.value.discovery_url, wanted.value);
        endpoints.set(wanted.id, { ...found, discovery_url: wanted.value.discovery_url });
      } catch (error) {
        if (!(error instanceof PortcullisError)) throw error;
        errors.push(
          ...(error.details?.length ? error.details : [{ field: 'discovery_url', message: error.message }]).map((d) => ({ source: wanted.source, ...d })),
        );
      }
    }
    return { endpoints, errors };
  }

  /** Deletes only with prune, never everything, and never what developers hold credentials for. */
  private async refuseDeletions(set: ConfigSet, changes: Planned[]): Promise<void> {
    const deletions = changes.filter((change) => change.action === 'delete');
    if (deletions.length === 0) return;
    const listed = (why: (change: Planned) => string) =>
      deletions.map((change) => ({ source: `${change.kind} ${change.id}`, field: '(stored)', message: why(change) }));
    if (changes.every((change) => change.action === 'delete')) {
      throw new ApplyRejected(
        'validation_failed',
        `Nothing was applied: the set is empty and would delete everything stored (${deletions.length} item(s)); delete them one by one if that is meant`,
        listed(() => 'would be deleted'),
        public_(changes),
      );
    }
    if (!set.prune) {
      throw new ApplyRejected(
        'conflict',
        `Nothing was applied: ${deletions.length} stored item(s) are not in the set; apply with prune (--prune) to delete them`,
        listed(() => 'is stored but not in the set: would be deleted (needs prune)'),
        public_(changes),
      );
    }
    const held: SourcedError[] = [];
    for (const change of deletions) {
      if (change.kind === 'catalogue' && (await this.apps.countForEntry(change.id)) > 0)
        held.push({
          source: `catalogue ${change.id}`,
          field: 'id',
          message: 'apps were made for this entry: delete them first, or keep the entry (published: false)',
        });
      if (change.kind === 'provider' && (await this.registrations.countForProvider(change.id)) > 0)
        held.push({ source: `provider ${change.id}`, field: 'id', message: 'portal apps hold clients registered at this provider: delete those apps first' });
    }
    if (held.length > 0) throw new ApplyRejected('conflict', `Nothing was applied: ${held.length} deletion(s) refused`, held, public_(changes));
  }

  /**
   * Every write in one transaction, in an order the foreign keys allow: deletions of entries, APIs and
   * policies first, then providers, policies, APIs and entries, then deletions of providers (no entry
   * names them any more). Nothing is written when the revision moved since `compared`, or the
   * catalogue or the providers differ from it (the plan was made against what is no longer stored).
   * The listen paths are checked at COMMIT, so two APIs can swap them: the set's final state was
   * checked for duplicates, and a path another writer took is still refused.
   */
  private async write(
    changes: Planned[],
    endpoints: Map<string, { issuer: string; jwks_uri: string; registration_endpoint?: string; token_endpoint?: string }>,
    compared: { revision: number; stored: StoredConfig },
  ): Promise<BusEvent[]> {
    const of = (kind: Planned['kind'], deleted: boolean) =>
      changes.filter((change) => change.kind === kind && (deleted ? change.action === 'delete' : change.action === 'create' || change.action === 'update'));
    // The API being written when the database refused a write: its unique indexes name the conflict.
    let writing: ApiDefinition | undefined;
    try {
      return await this.transactions.run(async (manager) => {
        // The lock queues every writer of APIs, policies, catalogue entries and providers behind this
        // transaction (and this one behind them): what is compared here is what is written over.
        if ((await lockRevision(manager)) !== compared.revision) throw configurationChanged(changes);
        const portal = await this.portal(manager);
        if (!isDeepStrictEqual(portal.catalogue, compared.stored.catalogue) || !isDeepStrictEqual(portal.providers, compared.stored.providers))
          throw configurationChanged(changes);
        await this.apis.deferListenPathCheckIn(manager);
        const events: BusEvent[] = [];
        for (const change of of('catalogue', true)) await manager.delete(CatalogueEntryRecord, { id: change.id });
        for (const change of of('api', true)) {
          const revision = await nextRevision(manager);
          await this.apis.removeIn(manager, change.id);
          events.push({ subject: subjects.registryApiChanged, payload: { revision, api_id: change.id, change: 'deleted', definition: null } });
        }
        for (const change of of('policy', true)) {
          const revision = await nextRevision(manager);
          await this.policies.removeIn(manager, change.id);
          events.push({ subject: subjects.registryPolicyChanged, payload: { revision, policy_id: change.id, change: 'deleted', policy: null } });
        }
        for (const change of of('provider', false)) await this.saveProvider(manager, change, endpoints);
        for (const change of of('policy', false)) {
          const wanted = change.wanted as Extract<Wanted, { kind: 'policy' }>;
          const revision = await nextRevision(manager);
          await this.policies.upsertManyIn(manager, [{ policy: wanted.value, revision }]);
          events.push({ subject: subjects.registryPolicyChanged, payload: { revision, policy_id: wanted.id, change: eventOf(change), policy: wanted.value } });
        }
        for (const change of of('api', false)) {
          const wanted = change.wanted as Extract<Wanted, { kind: 'api' }>;
          const revision = await nextRevision(manager);
          writing = wanted.value;
          await this.apis.upsertManyIn(manager, [{ definition: wanted.value, revision }]);
          writing = undefined;
          events.push({ subject: subjects.registryApiChanged, payload: { revision, api_id: wanted.id, change: eventOf(change), definition: wanted.value } });
        }
        for (const change of of('catalogue', false)) await saveEntry(manager, change);
        for (const change of of('provider', true)) await manager.delete(DcrProviderRecord, { id: change.id });
        return events;
      });
    } catch (failure) {
      const error =
        (writing && (await this.apis.conflictOf(failure, writing))) ??
        // Met at COMMIT (the deferred listen path check): which API it was is found from the set.
        (await this.apis.listenPathConflictAmong(failure, written(changes))) ??
        failure;
      // A write that raced this one (a listen path, an app made meanwhile): the database refused it, nothing is kept.
      if (error instanceof ApplyRejected) throw error;
      if (violatedConstraint(error, 'foreign_key') !== undefined) throw heldMeanwhile(error, changes);
      if (error instanceof PortcullisError)
        throw new ApplyRejected(
          error.code === 'conflict' ? 'conflict' : 'validation_failed',
          `Nothing was applied: ${error.message}`,
          (error.details ?? []).map((d) => ({ source: '(write)', ...d })),
          public_(changes),
        );
      throw error;
    }
  }

  private async saveProvider(
    manager: EntityManager,
    change: Planned,
    endpoints: Map<string, { issuer: string; jwks_uri: string; registration_endpoint?: string; token_endpoint?: string }>,
  ): Promise<void> {
    const wanted = change.wanted as Extract<Wanted, { kind: 'provider' }>;
    const found = endpoints.get(wanted.id)!;
    const current = await manager.findOneBy(DcrProviderRecord, { id: wanted.id });
    const input = wanted.value;
    const token =
      input.initial_access_token === undefined
        ? (current?.initialAccessToken ?? null)
        : input.initial_access_token === null
          ? null
          : this.sealer.seal(input.initial_access_token, wanted.id);
    const now = new Date();
    await manager.save(DcrProviderRecord, {
      id: wanted.id,
      name: input.name,
      discoveryUrl: input.discovery_url,
      issuer: found.issuer,
      registrationEndpoint: found.registration_endpoint ?? current?.registrationEndpoint ?? '',
      tokenEndpoint: found.token_endpoint ?? current?.tokenEndpoint ?? '',
      jwksUri: found.jwks_uri,
      initialAccessToken: token,
      grantTypes: input.grant_types,
      responseTypes: input.response_types,
      tokenEndpointAuthMethod: input.token_endpoint_auth_method,
      scope: input.scope === undefined ? (current?.scope ?? null) : input.scope,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    });
  }
}

async function saveEntry(manager: EntityManager, change: Planned): Promise<void> {
  const wanted = change.wanted as Extract<Wanted, { kind: 'catalogue' }>;
  const entry = wanted.value;
  // Ids from files are UUIDs in any case; the plan keys every id in lower case (config-plan.ts), and so does the row.
  const columns = { ...catalogueColumns(entry), providerId: entry.provider_id?.toLowerCase() ?? null, updatedAt: new Date() };
  if (change.action === 'update') await manager.update(CatalogueEntryRecord, { id: wanted.id }, columns as never);
  else await manager.insert(CatalogueEntryRecord, { id: wanted.id, ...columns, createdAt: columns.updatedAt } as never);
}

/** Refused before any write: the plan was made against what is no longer stored. */
function configurationChanged(changes: Planned[]): ApplyRejected {
  return new ApplyRejected(
    'conflict',
    'Nothing was applied: the configuration changed while the set was compared with it; run diff (or apply) again',
    [{ source: '(stored)', field: 'revision', message: 'an API, a policy, a catalogue entry, a provider or another configuration item was written meanwhile' }],
    public_(changes),
  );
}

/**
 * A deletion the database refused: something written meanwhile by a writer the revision lock does not
 * order (a portal app made for an entry, a registration at a provider) still refers to the item.
 */
function heldMeanwhile(error: unknown, changes: Planned[]): ApplyRejected {
  const constraint = violatedConstraint(error, 'foreign_key') || 'a foreign key';
  return new ApplyRejected(
    'conflict',
    'Nothing was applied: an item this set deletes is still used by something made meanwhile (a portal app, or its registration at a provider); run diff (or apply) again',
    [{ source: '(write)', field: '(stored)', message: `still referenced (${constraint})` }],
    public_(changes),
  );
}

/** The APIs the set creates or updates. */
function written(changes: Planned[]): ApiDefinition[] {
  return changes.flatMap((change) =>
    change.wanted?.kind === 'api' && (change.action === 'create' || change.action === 'update') ? [change.wanted.value] : [],
  );
}

function eventOf(change: Planned): 'created' | 'updated' {
  return change.action === 'create' ? 'created' : 'updated';
}

/** The plan as answered: without the validated values it carries. */
function public_(changes: Planned[]): PlannedChange[] {
  return changes.map(({ wanted: _wanted, ...change }) => change);
}

function summarise(changes: Planned[], set: ConfigSet): ApplyReport {
  const count = (action: PlannedChange['action']) => changes.filter((change) => change.action === action).length;
  return {
    dry_run: set.dry_run,
    prune: set.prune,
    summary: { create: count('create'), update: count('update'), delete: count('delete'), unchanged: count('unchanged') },
    changes: public_(changes),
  };
}
