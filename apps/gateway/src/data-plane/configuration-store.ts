import type {
  ApiChangedEvent,
  CertificateChangedEvent,
  ConfigBatchEvent,
  ConfigChangedEvent,
  DebugSession,
  DebugSessionChangedEvent,
  RegistrySnapshot,
} from '@portcullis/contracts';
import type { ApiDefinition, Policy, SecretSeal, StoredCertificate } from '@portcullis/domain';
import {
  NO_SERVED_CERTIFICATES,
  openStoredCertificate,
  ServedCertificates,
  type CertificateBinding,
  type GatewayCertificate,
} from './tls/stored-certificates.js';
import type { CertificatePair } from './upstream-certificates.js';
import { buildConfiguration, compileApi, isLoaded, upstreamOrigins, uptimeCheckKeys, withApiChange, type CompileDependencies } from './compile.js';
import type { CompiledApi, CompiledConfiguration } from './compiled.js';
import { debugLogTable } from './debug-logs.js';
import { bindingsFrom, NO_BINDINGS, withBindingChange, type BindingTable } from './credentials/client-bindings.js';
import { PersistentMap } from './persistent-map.js';
import { policiesFrom, withPolicyChange, withPolicyChanges } from './policy-map.js';
import { UsageCounts } from './usage-counts.js';

export interface StoreLog {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Holds the configuration the data plane serves. Each change makes a new immutable configuration
 * from the old one and swaps the reference: a request runs on the one it started with, and the
 * next request sees the change. A change to one API compiles that API alone and touches only its
 * entries (see withApiChange), so it costs the same at 10 APIs and at 10,000; a snapshot builds
 * everything. Upstream pools (and uptime checkers) no API uses any more are closed after the swap.
 */
export class ConfigurationStore {
  private configuration: CompiledConfiguration;
  private hasLoaded = false;
  private policyMap: ReadonlyMap<string, Policy> = new Map();
  private bindingMap: BindingTable = NO_BINDINGS;
  /** Every API id of the registry's, inactive ones included (those are not compiled). */
  private apiIds: PersistentMap<string, true> = PersistentMap.empty();
  /** The certificate store (/tyk/certs), keys opened; and what the HTTPS listener serves of it. */
  private certificateTable: ReadonlyMap<string, GatewayCertificate> = new Map();
  private served: ServedCertificates = NO_SERVED_CERTIFICATES;
  /** The loaded APIs that serve certificates (`certificates`), by id: what `served` is built from. */
  private readonly certificateBindings = new Map<string, CertificateBinding>();
  /** How many loaded APIs use each upstream pool and each uptime checker: the last one out closes it. */
  private readonly poolUsers = new UsageCounts();
  private readonly checkUsers = new UsageCounts();
  /** Set when a definition failed to compile since the pools were last settled (see swapApi). */
  private compileFailed = false;
  private readonly certificateLookup = (id: string): CertificatePair | null => this.certificateTable.get(id)?.pair ?? null;
  private readonly publicKeyLookup = (id: string): string | null => this.certificateTable.get(id)?.publicKeyFingerprint ?? null;
  /** The debug sessions the registry holds, by id, ended ones dropped as their end passes. */
  private readonly debugSessions = new Map<string, DebugSession>();
  /** Fires at the earliest end of an open debug session, to drop it from the configuration's table. */
  private debugTimer: NodeJS.Timeout | undefined;

  /** `seal` opens the store's private keys (certificateKeySeal); absent, none opens (tests). `now`: the clock (tests). */
  constructor(
    private readonly deps: CompileDependencies,
    private readonly log: StoreLog,
    private readonly seal?: SecretSeal,
    private readonly now: () => number = Date.now,
  ) {
    this.configuration = buildConfiguration(-1, [], deps.metrics);
  }

  /** The store's certificates the HTTPS listener serves by SNI, as of `current`. */
  get servedCertificates(): ServedCertificates {
    return this.served;
  }

  get current(): CompiledConfiguration {
    return this.configuration;
  }

  /** Policies by id, as of the same revision as `current` (not enforced from here yet). */
  get policies(): ReadonlyMap<string, Policy> {
    return this.policyMap;
  }

  /** External clients bound to policies by the developer portal, as of the same revision. */
  get clientBindings(): BindingTable {
    return this.bindingMap;
  }

  /** Whether a snapshot has been loaded since start (the gateway is ready to serve). */
  get loaded(): boolean {
    return this.hasLoaded;
  }

  replace(snapshot: RegistrySnapshot): void {
    this.certificateTable = this.openAll(snapshot.certificates ?? []);
    const compiled: CompiledApi[] = [];
    for (const definition of snapshot.apis) {
      const api = this.compile(definition);
      if (api !== null) compiled.push(api);
    }
    this.policyMap = policiesFrom(snapshot.policies);
    this.bindingMap = bindingsFrom(snapshot.client_bindings ?? []);
    this.apiIds = PersistentMap.from(snapshot.apis.map((definition) => [definition.api_id, true]));
    this.debugSessions.clear();
    for (const session of snapshot.debug_sessions ?? []) this.debugSessions.set(session.id, session);
    const next = buildConfiguration(snapshot.revision, compiled, this.deps.metrics, this.apiIds, this.debugTable());
    this.configuration = next;
    this.certificateBindings.clear();
    for (const api of next.apis.values()) this.indexCertificates(undefined, api);
    this.served = this.serve();
    this.warnCollisions([], next.routes.collisions);
    this.poolUsers.reset(next.apis.values(), upstreamOrigins);
    this.checkUsers.reset(next.apis.values(), uptimeCheckKeys);
    this.deps.pools.retainOnly(this.poolUsers.inUse);
    this.deps.pools.retainChecks(this.checkUsers.inUse);
    this.compileFailed = false;
    this.hasLoaded = true;
  }

  apply(event: ConfigChangedEvent): void {
    if ('session_id' in event) {
      this.applyDebugSession(event);
      return;
    }
    if ('apis' in event) {
      this.applyBatch(event);
      return;
    }
    if ('cert_id' in event) {
      this.applyCertificate(event);
      return;
    }
    if ('client_id' in event) {
      this.bindingMap = withBindingChange(this.bindingMap, event);
      // A new policy table identity too: verified tokens rebuild their identity when it changes, so a
      // cached token whose client lost (or changed) its binding is judged again on its next request.
      this.policyMap = new Map(this.policyMap);
      this.configuration = { ...this.configuration, revision: event.revision };
      return;
    }
    if ('policy_id' in event) {
      this.policyMap = withPolicyChange(this.policyMap, event);
      // The APIs, their routes and pools are unchanged (and stay compiled as they were): only the
      // revision moves on.
      this.configuration = { ...this.configuration, revision: event.revision };
      return;
    }
    this.applyApi(event.revision, event);
  }

  /**
   * An import's changes under one revision: each applied as its own event would be (a delta, never
   * a rebuild), policies first (the APIs may name them). The event handler runs to the end before
   * a request is served, so no request sees half a batch.
   */
  private applyBatch(event: ConfigBatchEvent): void {
    if (event.policies.length > 0) this.policyMap = withPolicyChanges(this.policyMap, event.policies);
    for (const change of event.apis) this.applyApi(event.revision, change);
    this.configuration = { ...this.configuration, revision: event.revision };
  }

  private applyApi(revision: number, change: Omit<ApiChangedEvent, 'revision'>): void {
    this.apiIds = change.change === 'deleted' ? this.apiIds.without(change.api_id) : this.apiIds.with(change.api_id, true);
    const next = change.change !== 'deleted' && change.definition !== null ? this.compile(change.definition) : null;
    this.swapApi(revision, this.configuration.apis.get(change.api_id), next);
  }

  /**
   * A certificate added or deleted: the APIs presenting it upstream are compiled again (their pools
   * change with it), and the served set is rebuilt; no other API is touched.
   */
  private applyCertificate(event: CertificateChangedEvent): void {
    const table = new Map(this.certificateTable);
    table.delete(event.cert_id);
    if (event.change !== 'deleted' && event.certificate !== null) {
      const opened = openStoredCertificate(event.certificate, this.seal, this.log);
      if (opened !== null) table.set(opened.id, opened);
    }
    this.certificateTable = table;
    // Certificate changes are rare: a scan of the APIs for the ones naming it is cheap enough.
    const naming = [...this.configuration.apis.values()].filter((api) => namesUpstreamCertificate(api.definition, event.cert_id));
    this.configuration = { ...this.configuration, revision: event.revision };
    for (const api of naming) this.swapApi(event.revision, api, this.compile(api.definition));
    this.served = this.serve();
  }

  /** A debug session started or cancelled: only the table of debugged callers changes. */
  private applyDebugSession(event: DebugSessionChangedEvent): void {
    if (event.change === 'deleted' || event.session === null) this.debugSessions.delete(event.session_id);
    else this.debugSessions.set(event.session_id, event.session);
    this.configuration = { ...this.configuration, revision: event.revision, debugLogs: this.debugTable() };
  }

  /**
   * The table of the sessions still open (ended ones forgotten), and a timer for the next end: then the
   * table is built again without it, and with the last one gone the configuration holds null, so the
   * record step does no lookup. The record step checks the end itself too: a late timer keeps no extra log.
   */
  private debugTable() {
    clearTimeout(this.debugTimer);
    this.debugTimer = undefined;
    const now = this.now();
    for (const [id, session] of this.debugSessions) if (session.expires_at <= now) this.debugSessions.delete(id);
    const table = debugLogTable(this.debugSessions.values(), now);
    if (table !== null) {
      // setTimeout holds at most 2^31-1 ms; sessions last an hour at most, but a clock may jump.
      this.debugTimer = setTimeout(() => this.expireDebugSessions(), Math.min(table.nextExpiry - now, 2 ** 31 - 1));
      // Never the reason the process stays alive.
      this.debugTimer.unref();
    }
    return table;
  }

  private expireDebugSessions(): void {
    this.configuration = { ...this.configuration, debugLogs: this.debugTable() };
  }

  /** Swaps in the configuration with `previous` replaced by `next`, and settles what depends on them. */
  private swapApi(revision: number, previous: CompiledApi | undefined, next: CompiledApi | null): void {
    const before = this.configuration;
    const after = withApiChange(before, revision, previous, next, this.apiIds);
    this.configuration = after;
    if (this.indexCertificates(previous, next ?? undefined)) this.served = this.serve();
    // Only the collisions this change made are news (and there are none unless two APIs share a route).
    const collisions = after.routes.collisions;
    if (collisions.length > 0) this.warnCollisions(before.routes.collisions, collisions);
    // The new API's pools count before the old one's are released: a pool both use stays open.
    const unusedPools = this.poolUsers.replace(previous, next ?? undefined, upstreamOrigins);
    const unusedChecks = this.checkUsers.replace(previous, next ?? undefined, uptimeCheckKeys);
    if (this.compileFailed) {
      // A definition that failed to compile may have opened pools first: close what no loaded API
      // uses (rare, so a look at every pool is fine).
      this.compileFailed = false;
      this.deps.pools.retainOnly(this.poolUsers.inUse);
      this.deps.pools.retainChecks(this.checkUsers.inUse);
      return;
    }
    if (unusedPools.length > 0) this.deps.pools.closeUnused(unusedPools);
    if (unusedChecks.length > 0) this.deps.pools.stopChecks(unusedChecks);
  }

  /** Keeps certificateBindings current; whether `served` must be rebuilt (either version serves certificates). */
  private indexCertificates(previous: CompiledApi | undefined, next: CompiledApi | undefined): boolean {
    let changed = false;
    if (previous !== undefined && this.certificateBindings.delete(previous.id)) changed = true;
    const certificateIds = (next?.definition as { certificates?: string[] } | undefined)?.certificates ?? [];
    if (next !== undefined && certificateIds.length > 0) {
      this.certificateBindings.set(next.id, { domain: next.domain, certificateIds });
      changed = true;
    }
    return changed;
  }

  /** In id order, as a whole build would see them: of two equally long-lived certificates for one name, the same one is served. */
  private serve(): ServedCertificates {
    const ids = [...this.certificateBindings.keys()].sort();
    return new ServedCertificates(
      ids.map((id) => this.certificateBindings.get(id)!),
      this.certificateTable,
    );
  }

  private warnCollisions(before: readonly CompiledApi[], after: readonly CompiledApi[]): void {
    const known = new Set(before);
    for (const api of after) {
      if (known.has(api)) continue;
      this.log.warn(`API ${api.id} not routed: another API already uses ${api.domain || '(any host)'} ${api.listenPath}`);
    }
  }

  private openAll(certificates: readonly StoredCertificate[]): ReadonlyMap<string, GatewayCertificate> {
    const table = new Map<string, GatewayCertificate>();
    for (const stored of certificates) {
      const opened = openStoredCertificate(stored, this.seal, this.log);
      if (opened !== null) table.set(opened.id, opened);
    }
    return table;
  }

  /** Null for inactive APIs and for a definition that cannot be compiled (logged; the rest load). */
  private compile(definition: ApiDefinition): CompiledApi | null {
    if (!isLoaded(definition)) return null;
    const upstream = (definition as { upstream_certificates?: Record<string, string> }).upstream_certificates;
    for (const id of Object.values(upstream ?? {})) {
      if (this.certificateLookup(id) === null)
        this.log.warn(
          `API ${definition.api_id}: upstream_certificates names ${id}, which the certificate store does not hold with a usable key; no client certificate is presented for it`,
        );
    }
    const pinned = (definition as { pinned_public_keys?: Record<string, string> }).pinned_public_keys;
    for (const id of Object.values(pinned ?? {}).flatMap((ids) => ids.split(',').map((part) => part.trim()))) {
      if (id !== '' && this.publicKeyLookup(id) === null)
        this.log.warn(`API ${definition.api_id}: pinned_public_keys names ${id}, which the certificate store does not hold; it pins nothing`);
    }
    try {
      return compileApi(definition, { ...this.deps, certificates: this.certificateLookup, publicKeys: this.publicKeyLookup });
    } catch (error) {
      this.log.error(`API ${definition.api_id} not loaded: ${error instanceof Error ? error.message : String(error)}`);
      this.compileFailed = true;
      return null;
    }
  }
}

/** Whether the API presents (upstream_certificates) or pins (pinned_public_keys) the certificate `id`. */
function namesUpstreamCertificate(definition: ApiDefinition, id: string): boolean {
  const fields = definition as { upstream_certificates?: Record<string, string>; pinned_public_keys?: Record<string, string> };
  if (fields.upstream_certificates !== undefined && Object.values(fields.upstream_certificates).includes(id)) return true;
  return (
    fields.pinned_public_keys !== undefined && Object.values(fields.pinned_public_keys).some((ids) => ids.split(',').some((pinned) => pinned.trim() === id))
  );
}
