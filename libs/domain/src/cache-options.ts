import type { ErrorDetail } from '@portcullis/errors';

/**
 * Tyk's response cache settings (`cache_options`, and per version `extended_paths.cache` /
 * `advanced_cache_config`), read once: validation refuses what this reading reports, and the gateway
 * compiles what it returns, so the two never disagree.
 */
export interface CacheOptions {
  readonly enabled: boolean;
  /** Seconds; Tyk's default (60) when unset or 0. */
  readonly timeoutSeconds: number;
  readonly allSafeRequests: boolean;
  /** Empty: every status is cached (Tyk: the list only narrows when set). */
  readonly responseCodes: readonly number[];
  /** Lower-case header names whose values join the key (Tyk's `cache_by_headers`). */
  readonly byHeaders: readonly string[];
  readonly upstreamControl: boolean;
  /** Lower case; Tyk's default `x-tyk-cache-action-set-ttl` when unset. */
  readonly ttlHeader: string;
}

/** One cached path of a version: `extended_paths.cache` (a path string) or an `advanced_cache_config` entry. */
export interface CachePathRule {
  readonly path: string;
  /** Upper case; '' for every safe method (a plain `cache` entry). */
  readonly method: string;
  /** Seconds; 0: the API's cache_timeout. */
  readonly timeoutSeconds: number;
  /** Empty: the API's cache_response_codes. */
  readonly responseCodes: readonly number[];
}

export const DEFAULT_CACHE_TIMEOUT_SECONDS = 60;
export const DEFAULT_CACHE_TTL_HEADER = 'x-tyk-cache-action-set-ttl';
/** A cache entry kept longer than this is a mistake, not a setting (30 days). */
export const MAX_CACHE_TIMEOUT_SECONDS = 2_592_000;

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

type Errors = ErrorDetail[];

function readTimeout(value: unknown, field: string, errors: Errors): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CACHE_TIMEOUT_SECONDS) {
    errors.push({ field, message: `must be a whole number of seconds from 0 to ${MAX_CACHE_TIMEOUT_SECONDS}` });
    return 0;
  }
  return value;
}

function readCodes(value: unknown, field: string, errors: Errors): number[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > 64 || !value.every((code) => Number.isInteger(code) && code >= 100 && code <= 599)) {
    errors.push({ field, message: 'must be a list of at most 64 HTTP status codes (100-599)' });
    return [];
  }
  return value as number[];
}

function readFlag(value: unknown, field: string, errors: Errors): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') errors.push({ field, message: 'must be a boolean' });
  return value === true;
}

function readHeaderName(value: unknown, field: string, errors: Errors): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value !== 'string' || !headerName.test(value)) {
    errors.push({ field, message: 'must be an HTTP header name' });
    return '';
  }
  return value.toLowerCase();
}

/** Tyk's classic path pattern (`{name}` for a segment), as the gateway compiles it: one that does not compile is refused. */
function readPattern(value: unknown, field: string, errors: Errors): string | null {
  if (typeof value !== 'string' || value === '' || value.length > 1024) {
    errors.push({ field, message: 'must be a path pattern of 1-1024 characters' });
    return null;
  }
  try {
    new RegExp(value.replace(/\{[^/}]*\}/g, '[^/]+'));
  } catch {
    errors.push({ field, message: 'is not a valid regular expression' });
    return null;
  }
  return value;
}

/** `cache_options`: null when absent; problems named by field. */
export function readCacheOptions(definition: Record<string, unknown>): { value: CacheOptions | null; errors: ErrorDetail[] } {
  const raw = definition.cache_options;
  const errors: Errors = [];
  if (raw === undefined || raw === null) return { value: null, errors };
  if (!isObject(raw)) return { value: null, errors: [{ field: 'cache_options', message: 'must be an object' }] };
  const byHeaders: string[] = [];
  const headers = raw.cache_by_headers;
  if (headers !== undefined && headers !== null) {
    if (!Array.isArray(headers) || headers.length > 32)
      errors.push({ field: 'cache_options.cache_by_headers', message: 'must be a list of at most 32 header names' });
    else
      headers.forEach((name, index) => {
        const read = readHeaderName(name, `cache_options.cache_by_headers.${index}`, errors);
        if (read !== '') byHeaders.push(read);
      });
  }
  const value: CacheOptions = {
    enabled: readFlag(raw.enable_cache, 'cache_options.enable_cache', errors),
    timeoutSeconds: readTimeout(raw.cache_timeout, 'cache_options.cache_timeout', errors) || DEFAULT_CACHE_TIMEOUT_SECONDS,
    allSafeRequests: readFlag(raw.cache_all_safe_requests, 'cache_options.cache_all_safe_requests', errors),
    responseCodes: readCodes(raw.cache_response_codes, 'cache_options.cache_response_codes', errors),
    byHeaders,
    upstreamControl: readFlag(raw.enable_upstream_cache_control, 'cache_options.enable_upstream_cache_control', errors),
    ttlHeader: readHeaderName(raw.cache_control_ttl_header, 'cache_options.cache_control_ttl_header', errors) || DEFAULT_CACHE_TTL_HEADER,
  };
  return { value, errors };
}

/** One version's cached paths (`extended_paths.cache`, `advanced_cache_config`); `prefix` names the version's extended_paths. */
export function readCachePaths(extendedPaths: Record<string, unknown>, prefix: string): { value: CachePathRule[]; errors: ErrorDetail[] } {
  const errors: Errors = [];
  const value: CachePathRule[] = [];
  const plain = extendedPaths.cache;
  if (plain !== undefined && plain !== null) {
    if (!Array.isArray(plain)) errors.push({ field: `${prefix}.cache`, message: 'must be a list of paths' });
    else
      plain.forEach((entry, index) => {
        const path = readPattern(entry, `${prefix}.cache.${index}`, errors);
        if (path !== null) value.push({ path, method: '', timeoutSeconds: 0, responseCodes: [] });
      });
  }
  const advanced = extendedPaths.advanced_cache_config;
  if (advanced !== undefined && advanced !== null) {
    if (!Array.isArray(advanced)) errors.push({ field: `${prefix}.advanced_cache_config`, message: 'must be a list' });
    else
      advanced.forEach((entry, index) => {
        const field = `${prefix}.advanced_cache_config.${index}`;
        if (!isObject(entry)) {
          errors.push({ field, message: 'must be an object' });
          return;
        }
        if (entry.disabled === true) return;
        const path = readPattern(entry.path, `${field}.path`, errors);
        const method = entry.method === undefined || entry.method === null ? '' : entry.method;
        if (typeof method !== 'string' || !/^[A-Za-z]{0,16}$/.test(method)) errors.push({ field: `${field}.method`, message: 'must be an HTTP method' });
        const timeoutSeconds = readTimeout(entry.timeout, `${field}.timeout`, errors);
        const responseCodes = readCodes(entry.cache_response_codes, `${field}.cache_response_codes`, errors);
        if (path !== null && typeof method === 'string') value.push({ path, method: method.toUpperCase(), timeoutSeconds, responseCodes });
      });
  }
  return { value, errors };
}

/** Every cache problem of a definition, for validation. */
export function cacheErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const errors = [...readCacheOptions(definition).errors];
  const data = definition.version_data;
  if (!isObject(data) || !isObject(data.versions)) return errors;
  for (const [name, version] of Object.entries(data.versions)) {
    if (isObject(version) && isObject(version.extended_paths))
      errors.push(...readCachePaths(version.extended_paths, `version_data.versions.${name}.extended_paths`).errors);
  }
  return errors;
}
