import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { respond, type RespondResult } from '../step.js';

/** Tyk's mark on an answer served from the cache. */
export const CACHED_RESPONSE_HEADER = 'X-Tyk-Cached-Response';

/** A stored answer, ready to write: the cache mark is among its headers already. */
export interface CachedResponse {
  readonly status: number;
  readonly headers: readonly string[];
  readonly body: Buffer;
  /** The prepared answer (a hit without extra headers allocates nothing). */
  readonly answer: RespondResult;
  /** Its ETag, for a conditional request's 304 (as Tyk answers one from its cache); null without one. */
  readonly etag: string | null;
}

/**
 * Where cached answers live: this gateway's memory, or Redis (shared by every gateway) when
 * REDIS_URL is set. `get` answers at once from memory and with a promise from Redis; a store that
 * fails answers a miss, never an error: the cache only ever saves an upstream call.
 */
export interface ResponseCache {
  readonly shared: boolean;
  get(apiId: string, key: string): CachedResponse | null | Promise<CachedResponse | null>;
  set(apiId: string, key: string, status: number, headers: readonly string[], body: Buffer, ttlMs: number): void;
  /** Drops every answer of one API; the count when the store can tell. */
  purge(apiId: string): Promise<number>;
  close(): Promise<void>;
}

export function cachedResponse(status: number, headers: readonly string[], body: Buffer): CachedResponse {
  const marked = [...headers, CACHED_RESPONSE_HEADER, '1'];
  let etag: string | null = null;
  for (let i = 0; i < headers.length; i += 2) if (headers[i]!.length === 4 && headers[i]!.toLowerCase() === 'etag') etag = headers[i + 1]!;
  return { status, headers: marked, body, answer: respond(status, marked, body), etag };
}

interface MemoryEntry {
  readonly apiId: string;
  readonly response: CachedResponse;
  readonly expiresAt: number;
  readonly bytes: number;
}

/** Bookkeeping bytes counted per entry beyond its key, headers and body. */
const ENTRY_OVERHEAD = 128;

/**
 * A least-recently-used cache bounded in bytes (keys, headers and bodies counted): a Map keeps
 * insertion order, so a hit re-inserts its entry at the end and eviction takes from the front.
 */
export class MemoryResponseCache implements ResponseCache {
  readonly shared = false;
  private readonly entries = new Map<string, MemoryEntry>();
  private size = 0;

  constructor(
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get bytes(): number {
    return this.size;
  }

  get(_apiId: string, key: string): CachedResponse | null {
    const entry = this.entries.get(key);
    if (entry === undefined) return null;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.size -= entry.bytes;
      return null;
    }
    this.entries.set(key, entry);
    return entry.response;
  }

  set(apiId: string, key: string, status: number, headers: readonly string[], body: Buffer, ttlMs: number): void {
    let bytes = ENTRY_OVERHEAD + key.length * 2 + body.length;
    for (let i = 0; i < headers.length; i++) bytes += headers[i]!.length;
    if (bytes > this.maxBytes || ttlMs <= 0) return;
    this.remove(key);
    this.entries.set(key, { apiId, response: cachedResponse(status, headers, body), expiresAt: this.now() + ttlMs, bytes });
    this.size += bytes;
    for (const [oldest] of this.entries) {
      if (this.size <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  purge(apiId: string): Promise<number> {
    let count = 0;
    for (const [key, entry] of this.entries) {
      if (entry.apiId !== apiId) continue;
      this.remove(key);
      count++;
    }
    return Promise.resolve(count);
  }

  close(): Promise<void> {
    this.entries.clear();
    this.size = 0;
    return Promise.resolve();
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.size -= entry.bytes;
  }
}

export interface RedisCacheLog {
  warn(message: string): void;
}

/**
 * Answers in Redis, shared by every gateway on it, so a purge there reaches them all (Tyk keeps its
 * cache in Redis too). Keys are `{prefix}{api_id}:{sha256 of the request key}`: bounded in length,
 * and an API's answers found by one SCAN pattern (an api_id has no glob characters, see
 * api-definition.ts). A value is the head as JSON, its length first, then the body.
 */
export class RedisResponseCache implements ResponseCache {
  readonly shared = true;
  private readonly redis: Redis;
  private warned = false;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly log: RedisCacheLog,
  ) {
    // No offline queue: while Redis is away a lookup fails at once (a miss) instead of waiting.
    this.redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false });
    this.redis.on('error', (error: Error) => this.warnOnce(`response cache: Redis error: ${error.message}`));
  }

  get(apiId: string, key: string): Promise<CachedResponse | null> {
    return this.redis.getBuffer(this.redisKey(apiId, key)).then(decode, (error: Error) => {
      this.warnOnce(`response cache: lookup failed, answering from the upstream: ${error.message}`);
      return null;
    });
  }

  set(apiId: string, key: string, status: number, headers: readonly string[], body: Buffer, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.redis
      .set(this.redisKey(apiId, key), encode(status, headers, body), 'PX', ttlMs)
      .catch((error: Error) => this.warnOnce(`response cache: store failed: ${error.message}`));
  }

  async purge(apiId: string): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}${apiId}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) count += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    return count;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private redisKey(apiId: string, key: string): string {
    return `${this.prefix}${apiId}:${createHash('sha256').update(key).digest('base64url')}`;
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(message);
  }
}

function encode(status: number, headers: readonly string[], body: Buffer): Buffer {
  const head = Buffer.from(JSON.stringify([status, headers]));
  const length = Buffer.allocUnsafe(4);
  length.writeUInt32BE(head.length);
  return Buffer.concat([length, head, body]);
}

function decode(value: Buffer | null): CachedResponse | null {
  if (value === null || value.length < 4) return null;
  const headLength = value.readUInt32BE(0);
  try {
    const [status, headers] = JSON.parse(value.subarray(4, 4 + headLength).toString()) as [number, string[]];
    return cachedResponse(status, headers, value.subarray(4 + headLength));
  } catch {
    return null;
  }
}
