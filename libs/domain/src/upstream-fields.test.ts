import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';

const valid = { name: 'Orders', proxy: { listen_path: '/orders/', target_url: 'http://orders.internal:8080' } };

function fieldsOf(input: unknown): string[] {
  const result = validateApiDefinition(input);
  return result.ok ? [] : [...new Set(result.errors.map((error) => error.field))].sort();
}

describe('load balancing and uptime test fields', () => {
  it("accepts Tyk's shape, as exported (empty lists, zero durations)", () => {
    expect(
      fieldsOf({
        ...valid,
        proxy: { ...valid.proxy, enable_load_balancing: false, target_list: [], check_host_against_uptime_tests: false },
        uptime_tests: { check_list: [], config: { expire_utime_after: 0, recheck_wait: 0 } },
      }),
    ).toEqual([]);
    expect(fieldsOf({ ...valid, proxy: { ...valid.proxy, target_list: null }, uptime_tests: { check_list: null, config: null } })).toEqual([]);
    const result = validateApiDefinition({
      ...valid,
      proxy: {
        ...valid.proxy,
        enable_load_balancing: true,
        target_list: ['http://a:8080', 'http://a:8080', 'https://b'],
        check_host_against_uptime_tests: true,
      },
      uptime_tests: {
        check_list: [{ url: 'http://a:8080/health', method: 'GET', timeout: 2_000_000_000, headers: { 'x-probe': '1' }, body: '' }],
        config: { recheck_wait: 5 },
      },
    });
    expect(result.ok).toBe(true);
  });

  it('refuses a target list with a non-URL, naming the entry', () => {
    expect(fieldsOf({ ...valid, proxy: { ...valid.proxy, enable_load_balancing: true, target_list: ['http://a', 'not a url', 'ftp://c'] } })).toEqual([
      'proxy.target_list.1',
      'proxy.target_list.2',
    ]);
  });

  it('refuses load balancing with no target', () => {
    expect(fieldsOf({ ...valid, proxy: { ...valid.proxy, enable_load_balancing: true, target_list: [] } })).toEqual(['proxy.target_list']);
  });

  it('refuses negative or absurd intervals and timeouts, and a check URL that is not one', () => {
    expect(fieldsOf({ ...valid, uptime_tests: { check_list: [{ url: 'http://a/h', timeout: -1 }], config: { recheck_wait: -5 } } })).toEqual([
      'uptime_tests.check_list.0.timeout',
      'uptime_tests.config.recheck_wait',
    ]);
    // Tyk's timeout is a Go duration in nanoseconds: 5 means 5 ns, never what was meant.
    expect(fieldsOf({ ...valid, uptime_tests: { check_list: [{ url: 'http://a/h', timeout: 5 }] } })).toEqual(['uptime_tests.check_list.0.timeout']);
    expect(fieldsOf({ ...valid, uptime_tests: { check_list: [{ url: 'nope', expected_status: 42 }] } })).toEqual([
      'uptime_tests.check_list.0.expected_status',
      'uptime_tests.check_list.0.url',
    ]);
  });
});

describe('circuit_breakers entries', () => {
  const withBreakers = (entries: unknown) => ({
    ...valid,
    version_data: { not_versioned: true, versions: { Default: { name: 'Default', use_extended_paths: true, extended_paths: { circuit_breakers: entries } } } },
  });
  const at = 'version_data.versions.Default.extended_paths.circuit_breakers';

  it("accepts Tyk's entry as its docs show it", () => {
    expect(
      fieldsOf(
        withBreakers([
          { path: '/widgets/{id}', method: 'GET', threshold_percent: 0.5, samples: 5, return_to_service_after: 60, disable_half_open_state: false },
        ]),
      ),
    ).toEqual([]);
  });

  it('refuses negative or absurd thresholds, samples and waits, and a bad path pattern, naming each field', () => {
    expect(
      fieldsOf(
        withBreakers([
          { path: '/a(', method: 'GET', threshold_percent: -0.5, samples: 0, return_to_service_after: -1 },
          'x',
          { path: '/b', threshold_percent: 50, samples: 2.5, return_to_service_after: 1e9 },
        ]),
      ),
    ).toEqual(
      [
        `${at}.0.path`,
        `${at}.0.return_to_service_after`,
        `${at}.0.samples`,
        `${at}.0.threshold_percent`,
        `${at}.1`,
        `${at}.2.return_to_service_after`,
        `${at}.2.samples`,
        `${at}.2.threshold_percent`,
      ].sort(),
    );
  });

  it('skips a disabled entry, as Tyk does', () => {
    expect(fieldsOf(withBreakers([{ path: '/a', disabled: true, threshold_percent: -1 }]))).toEqual([]);
  });
});
