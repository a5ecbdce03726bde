import { Ajv, type SchemaObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { expect } from 'vitest';
import { tykSamplesDir } from '../../tools/test/tyk-samples.js';

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }> };

/**
 * Checks Portcullis's /tyk/ answers against Tyk's own Gateway API document (../shared/tyk/swagger.yml):
 * the status must be one Tyk documents for the operation, and the body must match its schema. Where
 * Portcullis's status deliberately differs (docs/migrating-from-tyk.md, "Differences from Tyk"),
 * `documentedAs` names the status Tyk documents for that case, and the body is checked against its schema.
 */
export function tykSwaggerChecker() {
  const document = parse(readFileSync(join(tykSamplesDir, 'swagger.yml'), 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  // OpenAPI 3.0 keywords (example, nullable, ...) are not JSON Schema: not strict, nullable honoured.
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(document, 'tyk');
  const compiled = new Map<string, ValidateFunction>();

  return function expectTykShape(template: string, method: string, actual: number, body: unknown, documentedAs?: number): void {
    const operation = document.paths[template]?.[method.toLowerCase()];
    expect(operation, `${method} ${template} is in Tyk's document`).toBeDefined();
    const status = documentedAs ?? actual;
    const documented = Object.keys(operation!.responses ?? {});
    expect(documented, `${method} ${template} answers ${status}, which Tyk documents`).toContain(String(status));
    const schema = operation!.responses![String(status)]!.content?.['application/json']?.schema;
    if (!schema) return;
    const key = `${method} ${template} ${status}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(rebase(schema));
      compiled.set(key, validate);
    }
    const valid = validate(body);
    expect(valid ? [] : validate.errors, `${key}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
  };
}

/** The document's local refs, made to point into the document registered as `tyk`. */
function rebase(schema: SchemaObject): SchemaObject {
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === '$ref' && typeof value === 'string' && value.startsWith('#') ? `tyk${value}` : rebaseValue(value),
    ]),
  );
}

function rebaseValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebaseValue);
  if (value === null || typeof value !== 'object') return value;
  return rebase(value);
}
