import type { ApiChangedEvent, RegistrySnapshot } from '@portcullis/contracts';
import type { ApiDefinition } from '@portcullis/domain';
import { buildConfiguration, compileApi, isLoaded, type CompileDependencies } from './compile.js';
import type { CompiledApi, CompiledConfiguration } from './compiled.js';

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

  constructor(
    private readonly deps: CompileDependencies,
    private readonly log: StoreLog,
  ) {
    this.configuration = buildConfiguration(-1, [], deps.metrics);
  }

  get current(): CompiledConfiguration {
    return this.configuration;
  }

  /** Whether a snapshot has been loaded since start (the gateway is ready to serve). */
  get loaded(): boolean {
    return this.hasLoaded;
  }

  replace(snapshot: RegistrySnapshot): void {
    const compiled: CompiledApi[] = [];
    for (const definition of snapshot.apis) {
      const api = this.compile(definition);
      if (api !== null) compiled.push(api);
    }
    this.swap(buildConfiguration(snapshot.revision, compiled, this.deps.metrics));
    this.hasLoaded = true;
  }

  apply(event: ApiChangedEvent): void {
    const apis = new Map(this.configuration.apis);
    apis.delete(event.api_id);
    if (event.change !== 'deleted' && event.definition !== null) {
      const api = this.compile(event.definition);
      if (api !== null) apis.set(api.id, api);
    }
    this.swap(buildConfiguration(event.revision, apis.values(), this.deps.metrics));
  }

  /** Null for inactive APIs and for a definition that cannot be compiled (logged; the rest load). */
  private compile(definition: ApiDefinition): CompiledApi | null {
    if (!isLoaded(definition)) return null;
    try {
      return compileApi(definition, this.deps);
    } catch (error) {
      this.log.error(`API ${definition.api_id} not loaded: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  private swap(next: CompiledConfiguration): void {
    this.configuration = next;
    for (const api of next.routes.collisions) {
      this.log.warn(`API ${api.id} not routed: another API already uses ${api.domain || '(any host)'} ${api.listenPath}`);
    }
    this.deps.pools.retainOnly(new Set([...next.apis.values()].map((api) => api.upstream.origin)));
  }
}
