import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';
import { compatibilityReport, refusedFields, tykApiFieldRules } from './tyk-compatibility.js';

/** A classic definition as Tyk's `GET /tyk/apis/{id}` exports it: every field, most at their empty value. */
const emptyLocation = {
  use_param: false,
  param_name: '',
  use_cookie: false,
  cookie_name: '',
  disable_header: false,
  auth_header_name: '',
  use_certificate: false,
  validate_signature: false,
  signature: { algorithm: '', header: '', secret: '', allowed_clock_skew: 0, error_code: 0, error_message: '' },
};
const tykExport = {
  id: '6650b2f6b2a4c00001a3f5b1',
  name: 'Orders',
  slug: 'orders',
  listen_port: 0,
  protocol: '',
  enable_proxy_protocol: false,
  api_id: 'b84fe1a04e5648927971c0557971565c',
  org_id: '664a14650619d40001f1f00f',
  use_keyless: false,
  use_oauth2: false,
  external_oauth: { enabled: false, providers: null },
  use_openid: false,
  openid_options: { providers: null, segregate_by_client: false },
  oauth_meta: { allowed_access_types: null, allowed_authorize_types: null, auth_login_redirect: '' },
  auth: emptyLocation,
  auth_configs: {
    authToken: emptyLocation,
    basic: emptyLocation,
    coprocess: emptyLocation,
    hmac: emptyLocation,
    jwt: emptyLocation,
    oauth: emptyLocation,
    oidc: emptyLocation,
  },
  use_basic_auth: false,
  basic_auth: { disable_caching: false, cache_ttl: 0, extract_from_body: false, body_user_regexp: '', body_password_regexp: '' },
  use_mutual_tls_auth: false,
  client_certificates: null,
  upstream_certificates: null,
  upstream_certificates_disabled: false,
  pinned_public_keys: null,
  certificate_pinning_disabled: false,
  enable_jwt: false,
  use_standard_auth: true,
  use_go_plugin_auth: false,
  enable_coprocess_auth: false,
  custom_plugin_auth_enabled: false,
  jwt_signing_method: '',
  jwt_source: '',
  jwt_identity_base_field: '',
  jwt_client_base_field: '',
  jwt_policy_field_name: '',
  jwt_default_policies: null,
  jwt_issued_at_validation_skew: 0,
  jwt_expires_at_validation_skew: 0,
  jwt_not_before_validation_skew: 0,
  jwt_skip_kid: false,
  scopes: { jwt: {}, oidc: {} },
  idp_client_id_mapping_disabled: false,
  jwt_scope_to_policy_mapping: null,
  jwt_scope_claim_name: '',
  notifications: { shared_secret: '', oauth_on_keychange_url: '' },
  enable_signature_checking: false,
  hmac_allowed_clock_skew: -1,
  hmac_allowed_algorithms: [],
  request_signing: { is_enabled: false, secret: '', key_id: '', algorithm: '', header_list: null, certificate_id: '', signature_header: '' },
  base_identity_provided_by: '',
  definition: {
    enabled: false,
    name: '',
    default: '',
    location: 'header',
    key: 'x-api-version',
    strip_path: false,
    strip_versioning_data: false,
    url_versioning_pattern: '',
    fallback_to_default: false,
    versions: null,
  },
  version_data: {
    not_versioned: true,
    default_version: '',
    versions: {
      Default: {
        name: 'Default',
        expires: '',
        paths: { ignored: null, white_list: null, black_list: null },
        use_extended_paths: true,
        extended_paths: {
          persist_graphql: null,
          white_list: [],
          black_list: [],
          ignored: [],
          transform: [],
          size_limits: [],
          validate_json: [],
          internal: [],
          rate_limit: [],
          go_plugin: [],
          virtual: [],
        },
        global_headers: {},
        global_headers_remove: null,
        global_response_headers: {},
        ignore_endpoint_case: false,
        global_size_limit: 0,
        override_target: '',
      },
    },
  },
  uptime_tests: { check_list: null, config: { expire_utime_after: 0, service_discovery: {}, recheck_wait: 0 } },
  proxy: {
    preserve_host_header: false,
    listen_path: '/orders/',
    target_url: 'http://orders.internal:8080',
    disable_strip_slash: false,
    strip_listen_path: true,
    enable_load_balancing: false,
    target_list: [],
    check_host_against_uptime_tests: false,
    service_discovery: { use_discovery_service: false },
    transport: {
      ssl_insecure_skip_verify: false,
      ssl_ciphers: null,
      ssl_min_version: 0,
      ssl_max_version: 0,
      ssl_force_common_name_check: false,
      proxy_url: '',
    },
  },
  disable_rate_limit: false,
  disable_quota: false,
  custom_middleware: {
    pre: null,
    post: null,
    post_key_auth: null,
    auth_check: { name: '', path: '', require_session: false, raw_body_only: false },
    response: null,
    driver: '',
    id_extractor: { extract_from: '', extract_with: '', extractor_config: null },
  },
  custom_middleware_bundle: '',
  custom_middleware_bundle_disabled: false,
  cache_options: { cache_timeout: 60, enable_cache: true, cache_all_safe_requests: false, cache_response_codes: [], enable_upstream_cache_control: false },
  session_lifetime: 0,
  active: true,
  internal: false,
  auth_provider: { name: '', storage_engine: '', meta: null },
  session_provider: { name: '', storage_engine: '', meta: null },
  event_handlers: { events: {} },
  enable_batch_request_support: false,
  enable_ip_whitelisting: false,
  allowed_ips: null,
  enable_ip_blacklisting: false,
  blacklisted_ips: null,
  dont_set_quota_on_create: false,
  expire_analytics_after: 0,
  response_processors: null,
  CORS: {
    enable: false,
    allowed_origins: null,
    allowed_methods: null,
    allowed_headers: null,
    exposed_headers: null,
    allow_credentials: false,
    max_age: 24,
    options_passthrough: false,
    debug: false,
  },
  domain: '',
  certificates: null,
  do_not_track: false,
  enable_context_vars: false,
  config_data: null,
  config_data_disabled: false,
  tag_headers: null,
  global_rate_limit: { disabled: false, rate: 0, per: 0 },
  strip_auth_data: false,
  enable_detailed_recording: false,
  graphql: { enabled: false, execution_mode: 'proxyOnly', version: '', schema: '', type_field_configurations: null, playground: { enabled: false, path: '' } },
  analytics_plugin: {},
  tags: null,
  detailed_tracing: false,
  expiration: '',
};

describe("a full export from Tyk's GET /tyk/apis/{id}", () => {
  it('loads: empty strings, nulls and empty lists are "not set", as Tyk reads them', () => {
    const result = validateApiDefinition(tykExport);
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.value.auth).toMatchObject({ auth_header_name: 'Authorization' });
    expect(result.value.auth?.param_name).toBeUndefined();
    expect(result.value.auth?.cookie_name).toBeUndefined();
    for (const mode of Object.keys(tykExport.auth_configs)) expect(result.value.auth_configs?.[mode]?.auth_header_name).toBe('Authorization');
    expect(result.value).toMatchObject({ jwt_identity_base_field: 'sub', jwt_scope_claim_name: 'scope', jwt_default_policies: [] });
    expect(result.value.jwt_signing_method).toBeUndefined();
    expect(result.value.jwt_source).toBeUndefined();
    expect(result.value.hmac_allowed_algorithms).toBeUndefined();
  });

  it('has a report with nothing refused, its traffic features ignored and its auth fields enforced', () => {
    const report = compatibilityReport(tykExport);
    expect(report.refused).toEqual([]);
    expect(report.enforced).toEqual(
      expect.arrayContaining([
        'api_id',
        'auth',
        'use_standard_auth',
        'enable_ip_whitelisting',
        'allowed_ips',
        'proxy.listen_path',
        'proxy.target_url',
        'cache_options',
      ]),
    );
    expect(report.ignored.map((entry) => entry.field)).toEqual(expect.arrayContaining(['version_data.versions.Default.extended_paths']));
  });

  it('an empty auth_header_name inside any auth_configs mode is Authorization too', () => {
    const result = validateApiDefinition({
      ...tykExport,
      use_standard_auth: false,
      enable_jwt: true,
      jwt_signing_method: 'rsa',
      jwt_source: 'https://idp.example/.well-known/jwks.json',
      auth_configs: { jwt: { ...emptyLocation, use_param: true } },
    });
    expect(result.ok && result.value.auth_configs?.jwt).toMatchObject({ auth_header_name: 'Authorization', use_param: true });
  });
});

describe('never silently weaker: fields that would decide access and are not enforced refuse the definition', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    [
      'a Go template body transform',
      {
        version_data: {
          not_versioned: true,
          versions: {
            Default: { extended_paths: { transform: [{ path: '/a', method: 'POST', template_data: { template_mode: 'blob', template_source: 'e30=' } }] } },
          },
        },
      },
      'version_data.versions.Default.extended_paths.transform',
    ],
    [
      'a Go template response body transform',
      {
        version_data: {
          not_versioned: true,
          versions: {
            Default: {
              extended_paths: { transform_response: [{ path: '/a', method: 'GET', template_data: { template_mode: 'blob', template_source: 'e30=' } }] },
            },
          },
        },
      },
      'version_data.versions.Default.extended_paths.transform_response',
    ],
    [
      'versions served by other API definitions',
      {
        definition: { enabled: true, location: 'header', key: 'v', versions: { v2: 'other-api' } },
        version_data: { not_versioned: false, default_version: 'v1', versions: { v1: {} } },
      },
      'definition.enabled',
    ],
    ['a Python middleware', { custom_middleware: { driver: 'python', pre: [{ name: 'Pre' }] } }, 'custom_middleware'],
    ['a gRPC auth check', { custom_middleware: { driver: 'grpc', auth_check: { name: 'Auth' } }, enable_coprocess_auth: true }, 'custom_middleware'],
    ['a tyk:// internal target', { proxy: { listen_path: '/x/', target_url: 'tyk://other-api/' } }, 'proxy.target_url'],
    ['GraphQL', { graphql: { enabled: true } }, 'graphql'],
    ['batch requests', { enable_batch_request_support: true }, 'enable_batch_request_support'],
    [
      'a forward proxy to the upstream',
      { proxy: { listen_path: '/x/', target_url: 'https://u', transport: { proxy_url: 'http://squid:3128' } } },
      'proxy.transport.proxy_url',
    ],
  ];
  const base = { api_id: 'a', name: 'A', proxy: { listen_path: '/a/', target_url: 'http://u:1' } };

  for (const [what, fields, field] of cases) {
    it(`${what}: refused naming ${field}`, () => {
      const result = validateApiDefinition({ ...base, ...fields });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors).toContainEqual({ field, message: expect.stringMatching(/^not supported: /) });
      expect(refusedFields({ ...base, ...fields }).map((entry) => entry.field)).toContain(field);
    });
  }

  it('CORS, global_rate_limit, size limits and validate_json are enforced: such definitions load', () => {
    const fields = {
      CORS: { enable: true, allowed_origins: ['https://*.example.com'] },
      global_rate_limit: { rate: 10, per: 1 },
      version_data: {
        not_versioned: true,
        versions: {
          Default: {
            global_size_limit: 1024,
            extended_paths: { size_limits: [{ path: '/x', method: 'POST', size_limit: 10 }], validate_json: [{ path: '/x', method: 'POST', schema: {} }] },
          },
        },
      },
    };
    const result = validateApiDefinition({ ...base, ...fields });
    expect(result.ok ? [] : result.errors).toEqual([]);
    expect(compatibilityReport({ ...base, ...fields }).enforced).toEqual(
      expect.arrayContaining([
        'CORS',
        'global_rate_limit',
        'version_data.versions.Default.global_size_limit',
        'version_data.versions.Default.extended_paths.size_limits',
        'version_data.versions.Default.extended_paths.validate_json',
      ]),
    );
  });

  it('every refused rule says why, every rule names a field once per support', () => {
    for (const rule of tykApiFieldRules) expect(rule.note.length, rule.field).toBeGreaterThan(3);
    const keys = tykApiFieldRules.map((rule) => `${rule.support} ${rule.field}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('versions and path rules are enforced: they load, and the report says so', () => {
  const base = { api_id: 'a', name: 'A', proxy: { listen_path: '/a/', target_url: 'http://u:1' } };
  const versioned = {
    ...base,
    definition: { location: 'header', key: 'x-api-version', strip_versioning_data: false },
    version_data: {
      not_versioned: false,
      default_version: 'v1',
      versions: {
        v1: {
          name: 'v1',
          expires: '2000-01-01 00:00',
          use_extended_paths: true,
          extended_paths: {
            white_list: [{ path: '/users/{id}', method_actions: { GET: { action: 'no_action' } } }],
            black_list: [{ path: '/admin', method_actions: { GET: { action: 'no_action' } } }],
            ignored: [{ path: '/health', method_actions: { GET: { action: 'no_action' } } }],
          },
        },
        v2: {
          name: 'v2',
          expires: '',
          override_target: 'http://v2.internal:8080',
          use_extended_paths: false,
          paths: { white_list: [], black_list: ['/old'], ignored: [] },
        },
      },
    },
  };

  it('a definition versioned by header with white, black and ignored lists loads', () => {
    const result = validateApiDefinition(versioned);
    expect(result.ok ? [] : result.errors).toEqual([]);
    const report = compatibilityReport(versioned);
    expect(report.refused).toEqual([]);
    expect(report.enforced).toEqual(
      expect.arrayContaining([
        'definition',
        'version_data',
        'version_data.versions.v1.expires',
        'version_data.versions.v1.extended_paths.white_list',
        'version_data.versions.v1.extended_paths.black_list',
        'version_data.versions.v1.extended_paths.ignored',
        'version_data.versions.v2.override_target',
        'version_data.versions.v2.paths',
      ]),
    );
  });

  it('a pattern that is no regular expression, a bad expiry date, an unknown default and a missing key are 400s naming the field', () => {
    const broken = {
      ...versioned,
      definition: { location: 'url-param', key: '' },
      version_data: {
        not_versioned: false,
        default_version: 'v9',
        versions: {
          v1: {
            expires: 'next tuesday',
            use_extended_paths: true,
            extended_paths: { black_list: [{ path: '/a(', method_actions: { GET: { action: 'no_action' } } }] },
          },
          v2: { use_extended_paths: false, paths: { ignored: ['[z-a]'] }, override_target: 'ftp://x' },
        },
      },
    };
    const result = validateApiDefinition(broken);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => error.field).sort()).toEqual([
      'definition.key',
      'version_data.default_version',
      'version_data.versions.v1.expires',
      'version_data.versions.v1.extended_paths.black_list.0.path',
      'version_data.versions.v2.override_target',
      'version_data.versions.v2.paths.ignored.0',
    ]);
  });
});

describe('enforced: several auth modes chained, IP allow and block lists', () => {
  const base = { api_id: 'a', name: 'A', proxy: { listen_path: '/a/', target_url: 'http://u:1' } };
  const jwt = { enable_jwt: true, jwt_signing_method: 'hmac', jwt_source: 'c2VjcmV0' };

  it('a definition with two modes loads, with the report listing both as enforced', () => {
    const definition = { ...base, use_standard_auth: true, ...jwt, base_identity_provided_by: 'auth_token' };
    expect(validateApiDefinition(definition).ok).toBe(true);
    expect(refusedFields(definition)).toEqual([]);
    expect(compatibilityReport(definition).enforced).toEqual(expect.arrayContaining(['use_standard_auth', 'enable_jwt', 'base_identity_provided_by']));
  });

  it('base_identity_provided_by must name a mode the API enables (Tyk would run without a session)', () => {
    const result = validateApiDefinition({ ...base, use_basic_auth: true, ...jwt, base_identity_provided_by: 'auth_token' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ field: 'base_identity_provided_by', message: 'names a mode this API does not enable (it enables: basic, jwt)' });
    expect(validateApiDefinition({ ...base, use_basic_auth: true, base_identity_provided_by: 'oidc_user' }).ok).toBe(false);
    expect(validateApiDefinition({ ...base, use_basic_auth: true, base_identity_provided_by: 'someone' }).ok).toBe(false);
    // Tyk's exports carry the empty value; keyless APIs have no session to choose.
    expect(validateApiDefinition({ ...base, use_basic_auth: true, base_identity_provided_by: '' }).ok).toBe(true);
    expect(validateApiDefinition({ ...base, use_keyless: true, base_identity_provided_by: 'jwt_claim' }).ok).toBe(true);
  });

  it('IP lists load with addresses and CIDR networks of both families; anything else is refused naming the entry', () => {
    const lists = {
      enable_ip_whitelisting: true,
      allowed_ips: ['10.0.0.0/8', '127.0.0.1', '::1', '2001:db8::/32'],
      enable_ip_blacklisting: true,
      blacklisted_ips: ['10.1.0.0/16'],
    };
    expect(validateApiDefinition({ ...base, ...lists }).ok).toBe(true);
    expect(refusedFields({ ...base, ...lists })).toEqual([]);
    const bad = validateApiDefinition({
      ...base,
      enable_ip_whitelisting: true,
      allowed_ips: ['10.0.0.0/33', 'example.com', ' 10.0.0.1', 'fe80::1%eth0'],
      blacklisted_ips: ['::/129'],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.errors.map((error) => error.field).sort()).toEqual(['allowed_ips.0', 'allowed_ips.1', 'allowed_ips.2', 'allowed_ips.3', 'blacklisted_ips.0']);
    // Tyk's exports carry null for an empty list.
    expect(validateApiDefinition({ ...base, enable_ip_whitelisting: false, allowed_ips: null, blacklisted_ips: null }).ok).toBe(true);
  });
});
