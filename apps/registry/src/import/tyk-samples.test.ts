import { compatibilityReport, validateApiDefinition } from '@portcullis/domain';
import { describe, expect, it } from 'vitest';
import { readTykApp, readTykPolicies, tykAppFiles, tykAppsDir, tykPoliciesDir, tykPolicyFiles } from '../../../../tools/test/tyk-samples.js';
import { policyItems, validateImport } from './import-items.js';
import { readImportFiles } from './tyk-files.js';
import { join } from 'node:path';

/**
 * Every file of Tyk's samples (../shared/tyk) loads as Tyk loads it, or is refused naming each
 * feature Portcullis does not enforce: serving it without would be weaker than Tyk.
 */
const refusedApps: Record<string, string[]> = {
  'app_sample.json': ['enable_batch_request_support'],
  'coprocess_app_sample.json': ['custom_middleware', 'enable_batch_request_support'],
  'coprocess_app_sample_protected.json': ['enable_coprocess_auth', 'custom_middleware', 'enable_batch_request_support'],
  'coprocess_grpc_app_sample.json': ['custom_middleware', 'enable_batch_request_support'],
  // `custom_middleware_` (trailing underscore) is no Tyk field: Tyk ignores it, so do we; the bundle is real.
  'coprocess_grpc_app_sample_protected.json': ['custom_middleware_bundle', 'enable_batch_request_support'],
  'coprocess_lua_app_sample.json': ['custom_middleware', 'enable_batch_request_support'],
};

/**
 * Refusals validation adds beyond the compatibility table's: values read field by field. (jq.json
 * loads: its jq transforms run, and its header values name context variables its jq filter sets.)
 */
const refusedValuesOf: Record<string, string[]> = {
  // A coprocess event handler runs custom code, refused as custom_middleware is.
  'coprocess_grpc_app_sample.json': ['event_handlers.events.AuthFailure.0.handler_name'],
};

// Tyk's policy tests' per-endpoint (`endpoints`) limits: not enforced yet, so refused. Per-API limits
// (`access_rights.*.limit`) are enforced: the per_api_* policies load.
const refusedPolicies: Record<string, string[]> = {
  per_api_with_endpoint_limits_on_d_and_e: ['access_rights.d.endpoints', 'access_rights.e.endpoints'],
  per_endpoint_limits_different_on_api_d: ['access_rights.d.endpoints'],
  endpoint_rate_limits_on_acl_partition_only: ['access_rights.d.endpoints'],
  api_d_get_endpoint_rl_1_configure_on_non_partitioned_policy: ['access_rights.d.endpoints'],
  api_d_get_endpoint_rl_2_configure_on_non_partitioned_policy: ['access_rights.d.endpoints'],
  api_d_get_endpoint_rl_3_configure_on_non_partitioned_policy: ['access_rights.d.endpoints'],
  api_d_post_endpoint_rl_1_configure_on_non_partitioned_policy: ['access_rights.d.endpoints'],
  api_e_get_endpoint_rl_1_configure_on_non_partitioned_policy: ['access_rights.e.endpoints'],
};

describe("Tyk's sample API definitions", () => {
  it('are all there', () => {
    expect(tykAppFiles().length).toBeGreaterThanOrEqual(8);
  });

  for (const file of tykAppFiles()) {
    const expected = refusedApps[file];
    it(expected ? `${file}: refused, naming ${expected.join(', ')}` : `${file}: loads`, () => {
      const input = readTykApp(file);
      const result = validateApiDefinition(input);
      if (!expected) {
        expect(result.ok ? [] : result.errors).toEqual([]);
        if (result.ok) expect(result.value.auth?.auth_header_name).toMatch(/^(Authorization|authorization)$/);
        expect(compatibilityReport(input).refused).toEqual([]);
        return;
      }
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.errors.map((error) => error.field)).toEqual([...expected, ...(refusedValuesOf[file] ?? [])]);
      for (const error of result.errors) expect(error.message).toMatch(/^not supported: /);
      // The report and validation read the same table.
      expect(compatibilityReport(input).refused.map((entry) => entry.field)).toEqual(expected);
    });
  }

  it('quickstart.json: an empty auth_header_name is Authorization, as in Tyk', () => {
    const result = validateApiDefinition(readTykApp('quickstart.json'));
    expect(result.ok && result.value.auth?.auth_header_name).toBe('Authorization');
  });
});

describe("Tyk's sample policies", () => {
  for (const file of tykPolicyFiles()) {
    it(`${file}: every policy loads with its key as id, or is refused naming the unsupported field`, () => {
      const policies = readTykPolicies(file);
      const { value, errors } = validateImport({ policies: policyItems(policies, file).items, apis: [] });
      const refusedHere = Object.keys(policies).filter((key) => refusedPolicies[key]);
      for (const key of refusedHere) {
        const fields = errors.filter((error) => error.source === `${file}[${JSON.stringify(key)}]`);
        expect(fields.map((error) => error.field).sort(), key).toEqual([...refusedPolicies[key]!].sort());
        for (const error of fields) expect(error.message).toMatch(/^not supported: /);
      }
      expect(errors.length).toBe(refusedHere.reduce((sum, key) => sum + refusedPolicies[key]!.length, 0));
      expect(value.policies.map((item) => item.policy.id)).toEqual(Object.keys(policies).filter((key) => !refusedPolicies[key]));
    });
  }

  it("keys whose policy names another id are the id (Tyk's LoadPoliciesFromFile), access rights take their key as api_id", () => {
    const { value } = validateImport({ policies: policyItems(readTykPolicies('policies-testdata.json'), 'p').items, apis: [] });
    const byId = new Map(value.policies.map((item) => [item.policy.id, item.policy]));
    expect(byId.has('allowed-types1')).toBe(true);
    expect(byId.has('allowed_types_1')).toBe(false);
    expect(byId.get('per-path1')!.access_rights.b).toMatchObject({ api_id: 'b', allowed_urls: [{ url: '/', methods: ['PUT'] }] });
    expect(byId.get('tags1')!.tags.length).toBeGreaterThan(0);
    expect(byId.get('inactive1')!.is_inactive).toBe(true);
  });

  it('the per-API limit policies load, their limits kept for the gateway', () => {
    const { value } = validateImport({ policies: policyItems(readTykPolicies('policies-testdata.json'), 'p').items, apis: [] });
    const byId = new Map(value.policies.map((item) => [item.policy.id, item.policy]));
    for (const id of ['per_api_and_partitions', 'per_api_with_api_d', 'per_api_with_higher_rate_on_api_d']) {
      expect((byId.get(id)?.access_rights.d as { limit?: unknown } | undefined)?.limit, id).toBeTruthy();
    }
  });
});

describe("Tyk's stock layout (apps/ and policies/policies.json)", () => {
  it('reads, and validates item by item: the coprocess samples are refused, the rest loads', async () => {
    const { batch, errors } = await readImportFiles({ policiesFile: join(tykPoliciesDir, 'policies.json'), apisDir: tykAppsDir });
    expect(errors).toEqual([]);
    const { value, errors: refused } = validateImport(batch);
    expect(value.policies.map((item) => item.policy.id)).toEqual(['default']);
    expect(value.apis.map((item) => item.source).sort()).toEqual(['jq.json', 'quickstart.json']);
    expect(new Set(refused.map((error) => error.source))).toEqual(new Set(Object.keys(refusedApps)));
  });
});
