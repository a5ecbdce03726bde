import { readCacheOptions, readCachePaths, type ApiDefinition, type CacheOptions } from '@portcullis/domain';
import { resumeChain } from '../chain.js';
import type { CachedResponse, ResponseCache } from '../cache/response-cache.js';
import type { RequestContext } from '../request-context.js';
import { pathBelow } from './authorise.js';
import { CONTINUE, PENDING, respond, type Step, type StepResult } from '../step.js';
import { compilePerVersion, compileTykPath, forRequestVersion, type PerVersion } from '../version-settings.js';

/** Tyk's safe requests: the only ones cached (its `cache_all_safe_requests` names them). */
const safeMethods: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Tyk's header by which the upstream asks for its answer to be cached (enable_upstream_cache_control). */
const UPSTREAM_CACHE_HEADER = 'x-tyk-cache-action-set';

/** How one cached request is stored: for how long, and which statuses. */
interface CacheRule {
  readonly ttlMs: number;
  /** Null: every status (Tyk caches any status when cache_response_codes is empty). */
  readonly codes: ReadonlySet<number> | null;
}

interface CachePath extends CacheRule {
  readonly pattern: RegExp;
  /** '' for every safe method. */
  readonly method: string;
}

export interface CompiledCache {
  readonly store: ResponseCache;
  readonly options: CacheOptions;
  /** cache_all_safe_requests: every safe request, with the API's rule (Tyk: per-path entries are then not read). */
  readonly allRequests: CacheRule | null;
  /** Each version's cached paths; null with cache_all_safe_requests or when no version lists any. */
  readonly paths: PerVersion<readonly CachePath[]> | null;
  /** Upstream bodies larger than this are relayed, not stored. */
  readonly maxEntryBytes: number;
}

/**
 * Tyk's response cache (RedisCacheMiddleware). A safe request the API caches is looked up by a key
 * of API, version, method, path and query, the caller's identity (an authenticated caller never
 * gets another's answer; a keyless API's answers are everyone's) and the `cache_by_headers` values.
 * A hit is answered here with `X-Tyk-Cached-Response: 1`; a miss goes upstream with a `CacheFill`
 * on the context, through which the proxy hands over a cacheable answer as it relays it.
 */
export const cache: Step = {
  name: 'cache',
  always: false,
  enabledFor: (api: ApiDefinition) => readCacheOptions(api as Record<string, unknown>).value?.enabled === true,
  handle(ctx: RequestContext): StepResult {
    const compiled = ctx.api!.cache;
    const method = ctx.req.method!;
    if (compiled === null || !safeMethods.has(method)) return CONTINUE;
    const rule = compiled.allRequests ?? matchingPath(compiled, ctx, method);
    if (rule === null) return CONTINUE;
    const apiId = ctx.api!.id;
    const caller = callerOf(ctx);
    const key = cacheKey(compiled, ctx, method, caller);
    const found = compiled.store.get(apiId, key);
    if (found === null) return miss(ctx, compiled, rule, key, caller === '');
    if (!(found instanceof Promise)) return hit(ctx, found);
    // The request waits (PENDING); the Redis lookup never rejects (a failure warns and is a miss).
    void found.then((response) => resumeChain(ctx, response === null ? miss(ctx, compiled, rule, key, caller === '') : hit(ctx, response)));
    return PENDING;
  },
};

function matchingPath(compiled: CompiledCache, ctx: RequestContext, method: string): CacheRule | null {
  const paths = compiled.paths === null ? null : forRequestVersion(compiled.paths, ctx);
  if (paths === null) return null;
  const path = pathBelow(ctx.path, ctx.api!.listenPath);
  for (let i = 0; i < paths.length; i++) {
    const entry = paths[i]!;
    if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) return entry;
  }
  return null;
}

/**
 * Who the answer is for: the caller's identity; on a keyless API everyone. A request without an
 * identity to an API that has callers (an ignored path, which skips authentication) is keyed by its
 * client address, as Tyk keys a request without a token by its IP: the upstream may still tell
 * callers apart by the credential they send.
 */
function callerOf(ctx: RequestContext): string {
  const identity = ctx.identity;
  if (identity !== null) return identity.id;
  return ctx.api!.authentication === null ? '' : `ip:${ctx.req.socket.remoteAddress ?? ''}`;
}

/** Parts joined by a newline, which none of them can hold (request targets and header values cannot). */
function cacheKey(compiled: CompiledCache, ctx: RequestContext, method: string, caller: string): string {
  let key = `${ctx.version?.name ?? ''}\n${method}\n${ctx.path}${ctx.query}\n${caller}`;
  const names = compiled.options.byHeaders;
  if (names.length > 0) {
    const headers = ctx.req.headers;
    for (let i = 0; i < names.length; i++) {
      const value = headers[names[i]!];
      key += `\n${names[i]}:${Array.isArray(value) ? value.join(',') : (value ?? '')}`;
    }
  }
  return key;
}

function hit(ctx: RequestContext, response: CachedResponse): StepResult {
  if (response.etag !== null && matchesIfNoneMatch(ctx.req.rawHeaders, response.etag)) return notModified(ctx, response);
  // The caller's rate-limit and quota headers still go with the answer (the request cost them).
  const extra = ctx.extraHeaders;
  return extra === null ? response.answer : respond(response.status, [...response.headers, ...extra], response.body);
}

/** Tyk's check on a hit: the request's If-None-Match contains the stored ETag. */
function matchesIfNoneMatch(raw: readonly string[], etag: string): boolean {
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 13 && raw[i]!.toLowerCase() === 'if-none-match') return raw[i + 1]!.includes(etag);
  }
  return false;
}

/** 304 with the stored headers but the body's length (RFC 9110 §15.4.5), and no body. */
function notModified(ctx: RequestContext, response: CachedResponse): StepResult {
  const headers: string[] = [];
  const stored = response.headers;
  for (let i = 0; i < stored.length; i += 2) if (stored[i]!.toLowerCase() !== 'content-length') headers.push(stored[i]!, stored[i + 1]!);
  const extra = ctx.extraHeaders;
  if (extra !== null) headers.push(...extra);
  return respond(304, headers, EMPTY);
}

const EMPTY = Buffer.alloc(0);

/** `shared`: the entry answers every caller (a keyless API). */
function miss(ctx: RequestContext, compiled: CompiledCache, rule: CacheRule, key: string, shared: boolean): StepResult {
  ctx.cacheFill = new CacheFill(compiled, rule, ctx.api!.id, key, ctx.req.method === 'HEAD', shared);
  return CONTINUE;
}

/**
 * Collects one upstream answer for the cache while the proxy relays it: told the head, then each
 * chunk, then the end. It gives up (stores nothing) on a status the rule does not cache, an answer
 * setting a cookie (one caller's session must not be replayed to another), one whose Cache-Control
 * forbids it, a 304 or 206, an answer the upstream
 * did not mark when it controls the cache, or a body beyond the entry bound.
 */
export class CacheFill {
  private status: number;
  private headers: string[] | null;
  private chunks: Buffer[];
  private size: number;
  private ttlMs: number;

  constructor(
    private readonly compiled: CompiledCache,
    private readonly rule: CacheRule,
    private readonly apiId: string,
    private readonly key: string,
    private readonly head: boolean,
    private readonly shared: boolean,
  ) {
    this.status = 0;
    this.headers = null;
    this.chunks = [];
    this.size = 0;
    this.ttlMs = rule.ttlMs;
  }

  /** The upstream's status and the headers the client gets from it (before the gateway's own). */
  onHead(status: number, headers: readonly string[]): void {
    // Answers to one request's conditions or range (RFC 9110 §15.4.5, §15.3.7), not to the key's
    // request: replayed to a plain GET, they would lose it its body.
    if (status === 304 || status === 206) return;
    const codes = this.rule.codes;
    if (codes !== null && !codes.has(status)) return;
    const options = this.compiled.options;
    let marked = false;
    const kept: string[] = [];
    for (let i = 0; i < headers.length; i += 2) {
      const name = headers[i]!.toLowerCase();
      if (name === 'set-cookie') return;
      if (name === 'cache-control' && refusesStore(headers[i + 1]!, this.shared)) return;
      if (options.upstreamControl) {
        if (name === UPSTREAM_CACHE_HEADER) marked = true;
        else if (name === options.ttlHeader) {
          const seconds = Number(headers[i + 1]);
          if (Number.isInteger(seconds) && seconds >= 0) this.ttlMs = seconds * 1000;
        }
      }
      // The length is the stored body's, set again below (a HEAD answer keeps the upstream's).
      if (name === 'content-length' && !this.head) {
        if (Number(headers[i + 1]) > this.compiled.maxEntryBytes) return;
        continue;
      }
      kept.push(headers[i]!, headers[i + 1]!);
    }
    if (options.upstreamControl && !marked) return;
    this.status = status;
    this.headers = kept;
  }

  onData(chunk: Buffer): void {
    if (this.headers === null) return;
    this.size += chunk.length;
    if (this.size > this.compiled.maxEntryBytes) {
      this.headers = null;
      this.chunks = [];
      return;
    }
    this.chunks.push(chunk);
  }

  /** The whole answer was relayed: store it. */
  onComplete(): void {
    const headers = this.headers;
    if (headers === null) return;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    if (!this.head) headers.push('content-length', String(body.length));
    this.compiled.store.set(this.apiId, this.key, this.status, headers, body, this.ttlMs);
  }
}

/**
 * The upstream's own word (RFC 9111 §5.2.2): `no-store` is never stored; `private` (meant for one
 * user) is not stored where the entry would answer every caller.
 */
function refusesStore(cacheControl: string, shared: boolean): boolean {
  const value = cacheControl.toLowerCase();
  return value.includes('no-store') || (shared && value.includes('private'));
}

function ruleOf(ttlSeconds: number, codes: readonly number[]): CacheRule {
  return { ttlMs: ttlSeconds * 1000, codes: codes.length === 0 ? null : new Set(codes) };
}

/** Null unless the API enables the cache (its chain then has the cache step). */
export function compileCache(api: ApiDefinition, store: ResponseCache, maxEntryBytes: number): CompiledCache | null {
  const options = readCacheOptions(api as Record<string, unknown>).value;
  if (options === null || !options.enabled) return null;
  const apiRule = ruleOf(options.timeoutSeconds, options.responseCodes);
  const paths = options.allSafeRequests
    ? null
    : compilePerVersion(api, (settings) => {
        const rules = readCachePaths(settings.extendedPaths, '').value;
        if (rules.length === 0) return null;
        return rules.map((rule): CachePath => ({
          pattern: compileTykPath(rule.path, settings.ignoreCase),
          method: rule.method,
          ...ruleOf(rule.timeoutSeconds || options.timeoutSeconds, rule.responseCodes.length > 0 ? rule.responseCodes : options.responseCodes),
        }));
      });
  return { store, options, allRequests: options.allSafeRequests ? apiRule : null, paths, maxEntryBytes };
}
