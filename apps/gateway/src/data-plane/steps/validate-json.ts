import type { ApiDefinition } from '@portcullis/domain';
import { errorBody } from '@portcullis/errors';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { resumeChain } from '../chain.js';
import { jsonHeaders } from '../error-responses.js';
import { readBody } from '../oauth/read-body.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, PENDING, respond, type Step, type StepResult } from '../step.js';
import { compileTykPath, extendedPathEntries, versionSettings } from '../version-settings.js';
import { pathBelow } from './authorise.js';
import { tooLarge } from './size-limit.js';

/**
 * Tyk's `extended_paths.validate_json` ({path, method, schema, error_response_code}): the body of a
 * matching request must be JSON valid against the schema, else the request is refused with the
 * entry's `error_response_code` (Tyk's default 422) and Tyk's message, every schema error as
 * "field: description" joined with "; " (`(root)` for the whole body). A body that is not JSON is 400.
 *
 * Schemas are compiled once, at load, with ajv: draft-04 (what Tyk takes) when `$schema` names it,
 * draft-07 otherwise; a schema without `$schema` that only draft-04 accepts (boolean
 * exclusiveMaximum) is taken as draft-04, as Tyk's validator would. Formats (email, date-time, ...)
 * are checked, as Tyk's validator checks them. A schema that compiles under neither refuses every
 * request to its path (500): never served unchecked.
 *
 * Only a matching request's body is read, whole and bounded (`VALIDATED_BODY_LIMIT`, or the size
 * limit when smaller); the proxy then sends those bytes. Every other request streams.
 */
export interface CompiledValidation {
  readonly pattern: RegExp;
  readonly method: string;
  /** Null: the schema did not compile; matching requests are refused. */
  readonly validate: ValidateFunction | null;
  readonly status: number;
}

/** The largest body read to validate it (Tyk reads it whole, unbounded). */
export const VALIDATED_BODY_LIMIT = 1024 * 1024;

// Both are CommonJS modules whose exports object is also its own `default`: `.default` reads the same
// under Node's ESM loader and under the test runner's interop.
const Ajv04 = ajvDraft04.default;
const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const options = { allErrors: true, strict: false, logger: false } as const;
let draft07: Ajv | null = null;
let draft04: Ajv | null = null;

function validatorFor(schema: Record<string, unknown>): ValidateFunction | null {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  const compileWith = (ajv: Ajv): ValidateFunction | null => {
    try {
      return ajv.compile(schema);
    } catch {
      return null;
    }
  };
  draft04 ??= addFormats(new Ajv04(options) as unknown as Ajv);
  if (declared.includes('draft-04')) return compileWith(draft04);
  draft07 ??= addFormats(new Ajv(options));
  return compileWith(draft07) ?? (declared === '' ? compileWith(draft04) : null);
}

export function compileValidations(api: ApiDefinition): readonly CompiledValidation[] | null {
  const ignoreCase = versionSettings(api).ignoreCase;
  const entries = extendedPathEntries(api, 'validate_json').filter((entry) => typeof entry.path === 'string');
  if (entries.length === 0) return null;
  return entries.map((entry) => {
    const schema = entry.schema;
    const code = entry.error_response_code;
    return {
      pattern: compileTykPath(entry.path as string, ignoreCase),
      method: typeof entry.method === 'string' ? entry.method.toUpperCase() : '',
      validate: schema !== null && typeof schema === 'object' && !Array.isArray(schema) ? validatorFor(schema as Record<string, unknown>) : null,
      status: typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 422,
    };
  });
}

const notJson = fail('malformed_json');
const unusableSchema = fail('internal');

export const validateJson: Step = {
  name: 'validate-json',
  always: false,
  enabledFor: (api) => extendedPathEntries(api, 'validate_json').length > 0,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const method = ctx.req.method!;
    const path = pathBelow(ctx.path, api.listenPath);
    const validations = api.validations!;
    let found: CompiledValidation | null = null;
    for (let i = 0; i < validations.length; i++) {
      const entry = validations[i]!;
      if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) {
        found = entry;
        break;
      }
    }
    if (found === null) return CONTINUE;
    if (found.validate === null) return unusableSchema;
    if (ctx.body !== null) return check(found, ctx.body);
    const entry = found;
    const limit = ctx.bodyLimit === -1 ? VALIDATED_BODY_LIMIT : Math.min(ctx.bodyLimit, VALIDATED_BODY_LIMIT);
    void readBody(ctx.req, limit).then((read) => {
      if (read.kind === 'too-large') return resumeChain(ctx, tooLarge);
      if (read.kind === 'failed') return resumeChain(ctx, notJson);
      ctx.body = read.body;
      resumeChain(ctx, check(entry, read.body));
    });
    return PENDING;
  },
};

function check(entry: CompiledValidation, body: Buffer): StepResult {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return notJson;
  }
  const validate = entry.validate!;
  if (validate(value)) return CONTINUE;
  const answer = Buffer.from(JSON.stringify(errorBody('request_invalid', describe(validate.errors ?? []))));
  return respond(entry.status, jsonHeaders(answer), answer);
}

/** Tyk's shape: "field: description" per error, joined with "; "; `(root)` for the body itself. */
export function describe(errors: readonly ErrorObject[]): string {
  return errors
    .map((error) => {
      const field = error.instancePath === '' ? '(root)' : error.instancePath.slice(1).split('/').join('.');
      return `${field}: ${error.message ?? 'is not valid'}`;
    })
    .join('; ');
}
