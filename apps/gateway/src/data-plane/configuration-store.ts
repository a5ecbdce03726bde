import type { CertificateChangedEvent, ConfigChangedEvent, RegistrySnapshot } from '@portcullis/contracts';
import type { ApiDefinition, Policy, SecretSeal, StoredCertificate } from '@portcullis/domain';
import { NO_SERVED_CERTIFICATES, openStoredCertificate, ServedCertificates, type GatewayCertificate } from './tls/stored-certificates.js';
import type { CertificatePair } from './upstream-certificates.js';
import { buildConfiguration, compileApi, isLoaded, upstreamOrigins, uptimeCheckKeys, type CompileDependencies } from './compile.js';
import type { CompiledApi, CompiledConfiguration } from './compiled.js';
import { bindingsFrom, NO_BINDINGS, withBindingChange, type BindingTable } from './credentials/client-bindings.js';
import { policiesFrom, withPolicyChange } from './policy-map.js';

export interface StoreLog {
  warn(message: string): void;
  error(message: string): void;
}

/**
 * Holds the configuration the data plane serves. Each change builds a new immutable configuration
 * beside the old one and swaps the reference: a request runs on the one it started with, and the
 * next request sees the change. Upstream pools no API uses any more are closed after the swap.
 */
export class ConfigurationStore {
  private configuration: CompiledConfiguration;
  private hasLoaded = false;
  private policyMap: ReadonlyMap<string, Policy> = new Map();
  private bindingMap: BindingTable = NO_BINDINGS;
  /** Every API id of the registry's, inactive ones included (those are not compiled). */
  private apiIds: ReadonlySet<string> = new Set();
  /** The certificate store (/tyk/certs), keys opened; and what the HTTPS listener serves of it. */
  private certificateTable: ReadonlyMap<string, GatewayCertificate> = new Map();
  private served: ServedCertificates = NO_SERVED_CERTIFICATES;
  private readonly certificateLookup = (id: string): CertificatePair | null => this.certificateTable.get(id)?.pair ?? null;
  private readonly publicKeyLookup = (id: string): string | null => this.certificateTable.get(id)?.publicKeyFingerprint ?? null;

  /** `seal` opens the store's private keys (certificateKeySeal); absent, none opens (tests). */
  constructor(
    private readonly deps: CompileDependencies,
    private readonly log: StoreLog,
    private readonly seal?: SecretSeal,
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
    this.apiIds = new Set(snapshot.apis.map((definition) => definition.api_id));
    this.swap(buildConfiguration(snapshot.revision, compiled, this.deps.metrics, this.apiIds));
    this.hasLoaded = true;
  }

  apply(event: ConfigChangedEvent): void {
    if ('cert_id' in event) {
      this.applyCertificate(event);
      return;
    }
    if ('client_id' in event) {
      this.bindingMap = withBindingChange(this.bindingMap, event);
      // A new policy table identity too: verified tokens rebuild their identity when it changes, so a
      // cached token whose client lost (or changed) its binding is judged again on its next request.
      this.policyMap = new Map(this.policyMap);
      this.configuration = buildConfiguration(event.revision, this.configuration.apis.values(), this.deps.metrics, this.apiIds);
      return;
    }
    if ('policy_id' in event) {
      this.policyMap = withPolicyChange(this.policyMap, event);
      // The APIs, their routes and pools are unchanged (and stay compiled as they were): only the
      // revision moves on, without swap()'s pool pruning and collision warnings.
      this.configuration = buildConfiguration(event.revision, this.configuration.apis.values(), this.deps.metrics, this.apiIds);
      return;
    }
    const apis = new Map(this.configuration.apis);
    apis.delete(event.api_id);
    const apiIds = new Set(this.apiIds);
    if (event.change === 'deleted') apiIds.delete(event.api_id);
    else apiIds.add(event.api_id);
    this.apiIds = apiIds;
    if (event.change !== 'deleted' && event.definition !== null) {
      const api = this.compile(event.definition);
      if (api !== null) apis.set(api.id, api);
    }
    this.swap(buildConfiguration(event.revision, apis.values(), this.deps.metrics, this.apiIds));
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
    const apis = new Map(this.configuration.apis);
    for (const api of this.configuration.apis.values()) {
      if (!namesUpstreamCertificate(api.definition, event.cert_id)) continue;
      apis.delete(api.id);
      const recompiled = this.compile(api.definition);
      if (recompiled !== null) apis.set(recompiled.id, recompiled);
    }
    this.swap(buildConfiguration(event.revision, apis.values(), this.deps.metrics, this.apiIds));
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
      return null;
    }
  }

  private swap(next: CompiledConfiguration): void {
    this.configuration = next;
    this.served = new ServedCertificates(
      [...next.apis.values()].map((api) => ({ domain: api.domain, certificateIds: (api.definition as { certificates?: string[] }).certificates ?? [] })),
      this.certificateTable,
    );
    for (const api of next.routes.collisions) {
      this.log.warn(`API ${api.id} not routed: another API already uses ${api.domain || '(any host)'} ${api.listenPath}`);
    }
    // Versions' override_targets count too: their pools must not be closed under them.
    // Load-balanced target_lists too (each target has its pool); and their uptime checkers.
    this.deps.pools.retainOnly(new Set([...next.apis.values()].flatMap(upstreamOrigins)));
    this.deps.pools.retainChecks(new Set([...next.apis.values()].flatMap(uptimeCheckKeys)));
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
