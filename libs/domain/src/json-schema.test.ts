import { describe, expect, it } from 'vitest';
import { validateApiDefinition } from './api-definition.js';
import { compileJsonSchema } from './json-schema.js';

const base = { name: 'People', use_keyless: true, proxy: { listen_path: '/people/', target_url: 'http://people.internal:8080' } };

function withSchemas(versions: Record<string, unknown[]>) {
  const entries = Object.fromEntries(
    Object.entries(versions).map(([name, list]) => [name, { name, use_extended_paths: true, extended_paths: { validate_json: list } }]),
  );
  return {
    ...base,
    definition: { location: 'header', key: 'x-api-version' },
    version_data: { not_versioned: false, default_version: Object.keys(versions)[0], versions: entries },
  };
}

const draft04 = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: { age: { type: 'integer', maximum: 150, exclusiveMaximum: true } },
};
const draft07 = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { email: { type: 'string', format: 'email' } } };

describe('validate_json schemas at validation', () => {
  it("refuses a schema that does not compile, naming its field (every version, every entry), with the gateway's compiler", () => {
    const result = validateApiDefinition(
      withSchemas({
        Default: [
          { path: '/ok', method: 'POST', schema: draft04 },
          { path: '/bad', method: 'POST', schema: { type: 'no-such-type' } },
        ],
        v2: [
          { path: '/missing', method: 'POST' },
          { path: '/ok', method: 'POST', schema: draft07 },
          { path: '/off', method: 'POST', schema: { type: 7 }, disabled: true },
        ],
      }),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { field: 'version_data.versions.Default.extended_paths.validate_json.1.schema', message: 'must be a JSON Schema (draft-04 or draft-07) that compiles' },
      { field: 'version_data.versions.v2.extended_paths.validate_json.0.schema', message: 'must be a JSON Schema (draft-04 or draft-07) that compiles' },
    ]);
  });

  it('accepts draft-04 and draft-07 schemas, and the same schema with an $id validated again (an update)', () => {
    const withId = { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://example.com/person.json', type: 'object', required: ['name'] };
    for (let time = 0; time < 2; time++) {
      expect(
        validateApiDefinition(
          withSchemas({
            Default: [
              { path: '/a', method: 'POST', schema: draft04 },
              { path: '/b', method: 'POST', schema: { ...withId } },
            ],
            v2: [{ path: '/c', method: 'POST', schema: draft07 }],
          }),
        ).ok,
      ).toBe(true);
    }
  });

  it('compiles draft-04 only keywords without $schema as draft-04, and checks formats', () => {
    const validate = compileJsonSchema({ type: 'object', properties: { n: { maximum: 5, exclusiveMaximum: true } } })!;
    expect([validate({ n: 4 }), validate({ n: 5 })]).toEqual([true, false]);
    const formats = compileJsonSchema(draft07)!;
    expect([formats({ email: 'ada@example.com' }), formats({ email: 'nope' })]).toEqual([true, false]);
    expect(compileJsonSchema([])).toBeNull();
  });
});
