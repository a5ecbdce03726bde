import { compileJsonSchema, type ApiDefinition, type JsonSchemaError, type JsonSchemaValidator } from '@portcullis/domain';
import { errorBody } from '@portcullis/errors';
import { resumeChain } from '../chain.js';
import { jsonHeaders } from '../error-responses.js';
import { readBody } from '../oauth/read-body.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, PENDING, respond, type Step, type StepResult } from '../step.js';
import { compilePerVersion, compileTykPath, extendedPathEntries, forRequestVersion, type PerVersion, type VersionSettings } from '../version-settings.js';
import { pathBelow } from './authorise.js';
import { tooLarge } from './size-limit.js';

/**
 * Tyk's `extended_paths.validate_json` ({path, method, schema, error_response_code}) of the version
 * the request resolved to (compiled per version at load): the body of a matching request must be
 * JSON valid against the schema, else the request is refused with the entry's `error_response_code`
 * (Tyk's default 422) and Tyk's message, every schema error as "field: description" joined with "; "
 * (`(root)` for the whole body). A body that is not JSON is 400.
 *
 * Schemas are compiled once, at load, by the domain's `compileJsonSchema` (ajv, draft-04 / draft-07,
 * formats), the same compiler definition validation uses to refuse a schema that does not compile.
 * Should one reach the gateway anyway (stored before that check), every request to its path is
 * refused (500): never served unchecked.
 *
 * Only a matching request's body is read, whole and bounded (`VALIDATED_BODY_LIMIT`, or the size
 * limit when smaller); the proxy then sends those bytes. Every other request streams.
 */
export interface CompiledValidation {
  readonly pattern: RegExp;
  readonly method: string;
  /** Null: the schema did not compile; matching requests are refused. */
  readonly validate: JsonSchemaValidator | null;
  readonly status: number;
}

/** The largest body read to validate it (Tyk reads it whole, unbounded). */
export const VALIDATED_BODY_LIMIT = 1024 * 1024;

/** Each version's entries, compiled; null when no version validates JSON. */
export function compileValidations(api: ApiDefinition): PerVersion<readonly CompiledValidation[]> | null {
  return compilePerVersion(api, compileVersionValidations);
}

const entriesOf = (settings: VersionSettings) => extendedPathEntries(settings, 'validate_json').filter((entry) => typeof entry.path === 'string');

function compileVersionValidations(settings: VersionSettings): readonly CompiledValidation[] | null {
  const entries = entriesOf(settings);
  if (entries.length === 0) return null;
  return entries.map((entry) => {
    const code = entry.error_response_code;
    return {
      pattern: compileTykPath(entry.path as string, settings.ignoreCase),
      method: typeof entry.method === 'string' ? entry.method.toUpperCase() : '',
      validate: compileJsonSchema(entry.schema),
      status: typeof code === 'number' && Number.isInteger(code) && code >= 400 && code <= 599 ? code : 422,
    };
  });
}

const notJson = fail('malformed_json');
const unusableSchema = fail('internal');

export const validateJson: Step = {
  name: 'validate-json',
  always: false,
  // Decided without compiling the schemas (compileApi compiles them once).
  enabledFor: (api) => compilePerVersion(api, (settings) => (entriesOf(settings).length > 0 ? true : null)) !== null,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const method = ctx.req.method!;
    const path = pathBelow(ctx.path, api.listenPath);
    const validations = forRequestVersion(api.validations!, ctx);
    if (validations === null) return CONTINUE;
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
    // The request waits (PENDING); readBody never rejects (a failed read is a result), resumeChain answers.
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
export function describe(errors: readonly JsonSchemaError[]): string {
  return errors
    .map((error) => {
      const field = error.instancePath === '' ? '(root)' : error.instancePath.slice(1).split('/').join('.');
      return `${field}: ${error.message ?? 'is not valid'}`;
    })
    .join('; ');
}
