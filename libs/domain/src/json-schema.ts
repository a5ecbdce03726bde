import type { ErrorDetail } from '@portcullis/errors';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

/**
 * The one place that turns a Tyk `validate_json` schema into a validator, shared by definition
 * validation (a schema that does not compile is refused naming its field) and the gateway's
 * validate-json step (which compiles the same schemas at load), so both agree on what compiles.
 *
 * ajv: draft-04 (what Tyk takes) when `$schema` names it, draft-07 otherwise; a schema without
 * `$schema` that only draft-04 accepts (boolean exclusiveMaximum) is taken as draft-04, as Tyk's
 * validator would. Formats (email, date-time, ...) are checked, as Tyk's validator checks them.
 */
export type JsonSchemaValidator = ValidateFunction;
export type JsonSchemaError = ErrorObject;

// Both are CommonJS modules whose exports object is also its own `default`: `.default` reads the same
// under Node's ESM loader and under the test runner's interop.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const options = { allErrors: true, strict: false, logger: false } as const;
let draft07: Ajv | null = null;
let draft04: Ajv | null = null;

function compileWith(ajv: Ajv, schema: Record<string, unknown>): ValidateFunction | null {
  try {
    return ajv.compile(schema);
  } catch {
    return null;
  } finally {
    // ajv keeps every schema it compiled, by object and by `$id`: the same schema compiled again (the
    // definition validated again, the gateway loading a new snapshot) would be refused as a duplicate
    // `$id`, and the instances would grow with every load. The compiled function keeps what it needs.
    ajv.removeSchema(schema);
  }
}

/** The schema's validator, or null when it is not an object or compiles under neither draft. */
export function compileJsonSchema(schema: unknown): JsonSchemaValidator | null {
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return null;
  const object = schema as Record<string, unknown>;
  const declared = typeof object.$schema === 'string' ? object.$schema : '';
  draft04 ??= addFormats(new Ajv04(options) as unknown as Ajv);
  if (declared.includes('draft-04')) return compileWith(draft04, object);
  draft07 ??= addFormats(new Ajv(options));
  return compileWith(draft07, object) ?? (declared === '' ? compileWith(draft04, object) : null);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Every `version_data.versions.*.extended_paths.validate_json` entry whose schema would not compile,
 * by its field: the gateway would otherwise refuse every request to that path (500).
 */
export function validateJsonSchemaErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const data = definition.version_data;
  if (!isObject(data) || !isObject(data.versions)) return errors;
  for (const [name, version] of Object.entries(data.versions)) {
    if (!isObject(version) || !isObject(version.extended_paths)) continue;
    const entries = version.extended_paths.validate_json;
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      if (!isObject(entry) || entry.disabled === true || typeof entry.path !== 'string') return;
      if (compileJsonSchema(entry.schema) === null) {
        errors.push({
          field: `version_data.versions.${name}.extended_paths.validate_json.${index}.schema`,
          message: 'must be a JSON Schema (draft-04 or draft-07) that compiles',
        });
      }
    });
  }
  return errors;
}
