import type { ErrorDetail } from '@portcullis/errors';
import jsonata from 'jsonata';
import { jqCompileError } from './jq-check.js';
import type { ShapedPath } from './shaping.js';

/**
 * Body transforms, per version and path: Tyk's `transform_jq` / `transform_jq_response` entries
 * ({path, method, filter}, a jq program with Tyk's input and output contract) and Portcullis's own
 * `portcullis_transform_jsonata` / `portcullis_transform_jsonata_response` ({path, method,
 * expression}, a JSONata expression from the body to the new body). One reading for validation
 * (each problem a 400 naming its field; programs compiled, `check`) and the gateway.
 */
export type BodyTransformLanguage = 'jq' | 'jsonata';

export interface BodyTransform extends ShapedPath {
  readonly language: BodyTransformLanguage;
  /** The jq filter or the JSONata expression, as written. */
  readonly program: string;
  /** How the body is read: JSON, or (JSONata entries with `input_type: "xml"`) XML turned into JSON. */
  readonly input: 'json' | 'xml';
}

export interface VersionBodyTransforms {
  /** In the order they are tried: jq entries, then JSONata ones; the first matching one applies. */
  readonly request: readonly BodyTransform[];
  readonly response: readonly BodyTransform[];
}

/** The lists read, by name: [list, language, the entry's program field]. */
const lists = {
  request: [
    ['transform_jq', 'jq', 'filter'],
    ['portcullis_transform_jsonata', 'jsonata', 'expression'],
  ],
  response: [
    ['transform_jq_response', 'jq', 'filter'],
    ['portcullis_transform_jsonata_response', 'jsonata', 'expression'],
  ],
} as const;

/** The longest program accepted: a transform is a few lines, not a library. */
export const MAX_TRANSFORM_PROGRAM_LENGTH = 64 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const methodPattern = /^[A-Za-z]+$/;

/** JSONata's compile error, or null. */
export function jsonataCompileError(expression: string): string | null {
  try {
    jsonata(expression);
    return null;
  } catch (error) {
    const failure = error as { message?: string; position?: number };
    return `${failure.message ?? 'does not compile'}${typeof failure.position === 'number' ? ` (at character ${failure.position})` : ''}`;
  }
}

/** One version's body transforms; `field` is its dotted path. `check`: compile every program (validation). */
export function readBodyTransforms(version: Record<string, unknown>, field: string, check: boolean): { value: VersionBodyTransforms; errors: ErrorDetail[] } {
  const errors: ErrorDetail[] = [];
  const extended = isObject(version.extended_paths) ? version.extended_paths : {};
  const ignoreCase = version.ignore_endpoint_case === true;
  const read = (direction: 'request' | 'response'): BodyTransform[] => {
    const found: BodyTransform[] = [];
    for (const [list, language, programField] of lists[direction]) {
      const value = extended[list];
      if (value === undefined || value === null) continue;
      const at = `${field}.extended_paths.${list}`;
      if (!Array.isArray(value)) {
        errors.push({ field: at, message: 'must be a list' });
        continue;
      }
      value.forEach((entry: unknown, i) => {
        const entryField = `${at}.${i}`;
        if (!isObject(entry)) return errors.push({ field: entryField, message: 'must be an object' });
        if (entry.disabled === true) return;
        const before = errors.length;
        let pattern: RegExp | null = null;
        if (typeof entry.path !== 'string') errors.push({ field: `${entryField}.path`, message: 'must be a string (a regular expression)' });
        else
          try {
            pattern = new RegExp(entry.path.replace(/\{[^/}]*\}/g, '[^/]+'), ignoreCase ? 'i' : '');
          } catch {
            errors.push({ field: `${entryField}.path`, message: 'is not a valid regular expression' });
          }
        const method = entry.method ?? '';
        if (typeof method !== 'string' || (method !== '' && !methodPattern.test(method)))
          errors.push({ field: `${entryField}.method`, message: 'must be an HTTP method' });
        const program = entry[programField];
        const programAt = `${entryField}.${programField}`;
        if (typeof program !== 'string' || program.trim() === '')
          errors.push({ field: programAt, message: `must be a non-empty string (a ${language === 'jq' ? 'jq program' : 'JSONata expression'})` });
        else if (program.length > MAX_TRANSFORM_PROGRAM_LENGTH)
          errors.push({ field: programAt, message: `must be at most ${MAX_TRANSFORM_PROGRAM_LENGTH} characters` });
        else if (check) {
          const problem = language === 'jq' ? jqCompileError(program) : jsonataCompileError(program);
          if (problem !== null) errors.push({ field: programAt, message: `does not compile: ${problem}` });
        }
        const input = entry.input_type ?? 'json';
        // Tyk's jq transforms read JSON only; XML input is a Portcullis option of JSONata entries.
        if (language === 'jsonata' ? input !== 'json' && input !== 'xml' : input !== 'json')
          errors.push({ field: `${entryField}.input_type`, message: language === 'jsonata' ? 'must be "json" or "xml"' : 'must be "json" (jq reads JSON)' });
        if (errors.length === before)
          found.push({ pattern: pattern!, method: (method as string).toUpperCase(), language, program: program as string, input: input as 'json' | 'xml' });
      });
    }
    return found;
  };
  return { value: { request: read('request'), response: read('response') }, errors };
}

export function hasBodyTransforms(transforms: VersionBodyTransforms): boolean {
  return transforms.request.length + transforms.response.length > 0;
}

/** Every version's body transform problems, programs compiled: validation's view. */
export function bodyTransformErrors(definition: Record<string, unknown>): ErrorDetail[] {
  const data = definition.version_data;
  if (!isObject(data) || !isObject(data.versions)) return [];
  const errors: ErrorDetail[] = [];
  for (const [name, version] of Object.entries(data.versions)) {
    if (isObject(version)) errors.push(...readBodyTransforms(version, `version_data.versions.${name}`, true).errors);
  }
  return errors;
}
