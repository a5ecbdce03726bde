import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';
import { readCacheOptions } from './cache-options.js';

const base = { name: 'c', use_keyless: true, proxy: { listen_path: '/c/', target_url: 'http://127.0.0.1:9' } };
const fieldsOf = (input: Record<string, unknown>) => {
  const result = validateApiDefinition({ ...base, ...input });
  return result.ok ? [] : result.errors.map((error) => error.field);
};

describe('cache_options and cached paths', () => {
  it("Tyk's documented cache_options load, with Tyk's defaults", () => {
    const tyk = {
      cache_timeout: 10,
      enable_cache: true,
      cache_all_safe_requests: false,
      enable_upstream_cache_control: false,
      cache_by_headers: [],
      cache_response_codes: [200],
    };
    expect(fieldsOf({ cache_options: tyk })).toEqual([]);
    expect(readCacheOptions({ cache_options: { enable_cache: true, cache_control_ttl_header: '', cache_by_headers: null } }).value).toMatchObject({
      timeoutSeconds: 60,
      ttlHeader: 'x-tyk-cache-action-set-ttl',
      byHeaders: [],
      responseCodes: [],
    });
  });

  it('refuses bad values, each named by its field', () => {
    expect(fieldsOf({ cache_options: { enable_cache: true, cache_timeout: -1 } })).toEqual(['cache_options.cache_timeout']);
    expect(fieldsOf({ cache_options: { enable_cache: true, cache_timeout: 1e12 } })).toEqual(['cache_options.cache_timeout']);
    expect(fieldsOf({ cache_options: { enable_cache: 'yes', cache_response_codes: [200, 999], cache_by_headers: ['bad header'] } })).toEqual([
      'cache_options.cache_by_headers.0',
      'cache_options.enable_cache',
      'cache_options.cache_response_codes',
    ]);
    expect(fieldsOf({ cache_options: 'on' })).toEqual(['cache_options']);
  });

  it("refuses a version's cached path that does not compile, or an advanced entry with a negative timeout", () => {
    const versions = (extended_paths: Record<string, unknown>) => ({
      version_data: { not_versioned: true, versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths } } },
    });
    expect(fieldsOf(versions({ cache: ['/ok', '/bad('] }))).toEqual(['version_data.versions.Default.extended_paths.cache.1']);
    expect(fieldsOf(versions({ advanced_cache_config: [{ path: '/x', method: 'GET', timeout: -5 }] }))).toEqual([
      'version_data.versions.Default.extended_paths.advanced_cache_config.0.timeout',
    ]);
  });
});
