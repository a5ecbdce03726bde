import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';
import { readVersionShaping } from './shaping.js';

const base = { api_id: 'a', name: 'A', use_keyless: true, proxy: { listen_path: '/a/', target_url: 'http://u:1' } };
const withVersion = (version: Record<string, unknown>) => ({ ...base, version_data: { not_versioned: true, versions: { Default: version } } });
const prefix = 'version_data.versions.Default';

function fieldsRefused(version: Record<string, unknown>): string[] {
  const result = validateApiDefinition(withVersion(version));
  return result.ok ? [] : result.errors.map((error) => error.field);
}

describe('shaping validation: bad values refused naming the field', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'an invalid match_pattern',
      { extended_paths: { url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a/(', rewrite_to: '/b' }] } },
      `${prefix}.extended_paths.url_rewrites.0.match_pattern`,
    ],
    [
      'an invalid trigger regex',
      {
        extended_paths: {
          url_rewrites: [
            {
              path: '/a',
              method: 'GET',
              match_pattern: '/a',
              rewrite_to: '/b',
              triggers: [{ on: 'any', options: { header_matches: { 'X-A': { match_rx: '[' } } }, rewrite_to: '/c' }],
            },
          ],
        },
      },
      `${prefix}.extended_paths.url_rewrites.0.triggers.0.options.header_matches.X-A.match_rx`,
    ],
    [
      'an unknown trigger mode',
      {
        extended_paths: {
          url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a', rewrite_to: '/b', triggers: [{ on: 'some', options: {}, rewrite_to: '/c' }] }],
        },
      },
      `${prefix}.extended_paths.url_rewrites.0.triggers.0.on`,
    ],
    [
      'a tyk:// rewrite (no internal looping)',
      { extended_paths: { url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a', rewrite_to: 'tyk://self/b' }] } },
      `${prefix}.extended_paths.url_rewrites.0.rewrite_to`,
    ],
    [
      'a rewrite to another host',
      { extended_paths: { url_rewrites: [{ path: '/a', method: 'GET', match_pattern: '/a', rewrite_to: 'http://evil.example/b' }] } },
      `${prefix}.extended_paths.url_rewrites.0.rewrite_to`,
    ],
    [
      'an invalid session meta trigger regex',
      {
        extended_paths: {
          url_rewrites: [
            {
              path: '/a',
              method: 'GET',
              match_pattern: '/a',
              rewrite_to: '/b',
              triggers: [{ on: 'any', options: { session_meta_matches: { tier: { match_rx: '*gold' } } }, rewrite_to: '/c' }],
            },
          ],
        },
      },
      `${prefix}.extended_paths.url_rewrites.0.triggers.0.options.session_meta_matches.tier.match_rx`,
    ],
    [
      'a body trigger',
      {
        extended_paths: {
          url_rewrites: [
            {
              path: '/a',
              method: 'GET',
              match_pattern: '/a',
              rewrite_to: '/b',
              triggers: [{ on: 'any', options: { payload_matches: { match_rx: 'x' } }, rewrite_to: '/c' }],
            },
          ],
        },
      },
      `${prefix}.extended_paths.url_rewrites.0.triggers.0.options.payload_matches`,
    ],
    [
      'a negative hard timeout',
      { extended_paths: { hard_timeouts: [{ path: '/a', method: 'GET', timeout: -1 }] } },
      `${prefix}.extended_paths.hard_timeouts.0.timeout`,
    ],
    [
      'an absurd hard timeout',
      { extended_paths: { hard_timeouts: [{ path: '/a', method: 'GET', timeout: 1e12 }] } },
      `${prefix}.extended_paths.hard_timeouts.0.timeout`,
    ],
    [
      'an invalid path regex',
      { extended_paths: { transform_headers: [{ path: '/a(', method: 'GET', add_headers: { 'X-A': 'b' } }] } },
      `${prefix}.extended_paths.transform_headers.0.path`,
    ],
    ['a header value with CRLF', { global_headers: { 'X-A': 'b\r\nX-Injected: 1' } }, `${prefix}.global_headers.X-A`],
    ['a header name that is not one', { global_headers: { 'X A': 'b' } }, `${prefix}.global_headers`],
    ['an unknown context variable', { global_headers: { 'X-Device': '$tyk_context.deviceid' } }, `${prefix}.global_headers.X-Device`],
    ['the caller token as a context variable', { global_headers: { 'X-T': '$tyk_context.token' } }, `${prefix}.global_headers.X-T`],
    [
      'a method transform to a non-method',
      { extended_paths: { method_transforms: [{ path: '/a', method: 'GET', to_method: 'PO ST' }] } },
      `${prefix}.extended_paths.method_transforms.0.to_method`,
    ],
    [
      'a reply action status out of range',
      { use_extended_paths: true, extended_paths: { white_list: [{ path: '/a', method_actions: { GET: { action: 'reply', code: 1000, data: 'x' } } }] } },
      `${prefix}.extended_paths.white_list.0.method_actions.GET.code`,
    ],
    [
      'a reply action header with CRLF',
      {
        use_extended_paths: true,
        extended_paths: {
          ignored: [{ path: '/a', method_actions: { GET: { action: 'reply', code: 200, data: 'x', headers: { 'X-A': 'b\r\nSet-Cookie: x' } } } }],
        },
      },
      `${prefix}.extended_paths.ignored.0.method_actions.GET.headers.X-A`,
    ],
    [
      'a mock status out of range',
      { extended_paths: { mock_response: [{ path: '/a', method: 'GET', code: 99, body: '' }] } },
      `${prefix}.extended_paths.mock_response.0.code`,
    ],
  ];
  for (const [what, version, field] of cases) {
    it(`${what}: 400 naming ${field}`, () => {
      expect(fieldsRefused(version)).toContain(field);
    });
  }

  it("accepts Tyk's documented shapes", () => {
    const version = {
      name: 'Default',
      use_extended_paths: true,
      global_headers: { 'X-Static': 'foo', 'X-Request-Id': '$tyk_context.request_id', 'X-Tier': '$tyk_meta.tier', 'X-Sub': '$tyk_context.jwt_claims_sub' },
      global_headers_remove: ['X-Secret'],
      global_response_headers: { 'X-Served-By': 'gw' },
      global_response_headers_remove: ['Server'],
      extended_paths: {
        transform_headers: [
          {
            delete_headers: ['Authorization'],
            add_headers: { 'X-User-Agent': '$tyk_context.headers_User_Agent' },
            path: '/widgets',
            method: 'GET',
            act_on: false,
          },
        ],
        transform_response_headers: [{ delete_headers: ['X-Powered-By'], add_headers: { 'X-Cache': 'miss' }, path: '/widgets', method: 'GET', act_on: false }],
        url_rewrites: [
          {
            path: '/anything/{id}',
            method: 'GET',
            match_pattern: '/anything/(\\w+)',
            rewrite_to: '/get?id=$1',
            triggers: [
              {
                on: 'all',
                options: {
                  header_matches: { 'X-Beta': { match_rx: 'true', reverse: false } },
                  query_val_matches: {},
                  path_part_matches: {},
                  session_meta_matches: {},
                  request_context_matches: {},
                  payload_matches: { match_rx: '' },
                },
                rewrite_to: '/beta/$1',
              },
            ],
          },
        ],
        hard_timeouts: [{ path: '/slow', method: 'GET', timeout: 3 }],
        method_transforms: [{ path: '/legacy', method: 'GET', to_method: 'POST' }],
        internal: [{ path: '/private', method: 'GET' }],
        mock_response: [{ path: '/mock', method: 'GET', code: 200, body: 'ok', headers: { 'Content-Type': 'text/plain' } }],
        track_endpoints: [{ path: '/widgets', method: 'GET' }],
        do_not_track_endpoints: [{ path: '/health', method: 'GET' }],
      },
    };
    const result = validateApiDefinition(withVersion(version));
    expect(result.ok ? [] : result.errors).toEqual([]);
    const shaping = readVersionShaping(version, prefix).value;
    expect(shaping.rewrites[0]!.triggers[0]!.headers[0]!.name).toBe('X-Beta');
    expect(shaping.hardTimeouts[0]!.timeoutMs).toBe(3000);
    expect(shaping.doNotTrack).toHaveLength(1);
    expect(shaping.trackEndpoints.map((entry) => entry.endpoint)).toEqual(['GET /widgets']);
  });

  it('names a tracked endpoint by the entry (method and path as written), refusing a bad or overlong one by its field', () => {
    const version = {
      name: 'v1',
      extended_paths: {
        track_endpoints: [
          { path: '/users/{id}', method: 'get' },
          { path: '/any-method' },
          { path: '/off', method: 'GET', disabled: true },
          { path: '/x'.repeat(300), method: 'GET' },
          { path: '(', method: 'GET' },
        ],
      },
    };
    const read = readVersionShaping(version, prefix);
    expect(read.value.trackEndpoints.map((entry) => [entry.endpoint, entry.method])).toEqual([
      ['GET /users/{id}', 'GET'],
      ['/any-method', ''],
    ]);
    expect(read.value.trackEndpoints[0]!.pattern.test('/users/42')).toBe(true);
    expect(read.errors.map((error) => error.field)).toEqual([
      `${prefix}.extended_paths.track_endpoints.3.path`,
      `${prefix}.extended_paths.track_endpoints.4.path`,
    ]);
  });
});
