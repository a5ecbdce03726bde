import {
  hasBodyTransforms,
  readBodyTransforms,
  type ApiDefinition,
  type BodyTransform,
  type BodyTransformLanguage,
  type VersionBodyTransforms,
} from '@portcullis/domain';
import { resumeChain } from '../chain.js';
import { errorResponseSaying } from '../error-responses.js';
import { clientAddress } from '../forwarding.js';
import { readBody } from '../oauth/read-body.js';
import type { RequestContext } from '../request-context.js';
import { ForwardShaping } from '../shaping/forward-shaping.js';
import { transformPool, type TransformOutcome } from '../body-transforms/transform-pool.js';
import { CONTINUE, fail, PENDING, type Step, type StepResult } from '../step.js';
import { compilePerVersion, forRequestVersion, type PerVersion } from '../version-settings.js';
import { pathBelow } from './authorise.js';
import { tooLarge } from './size-limit.js';

/**
 * Body transforms (see libs/domain body-transforms.ts): the first `transform_jq` or
 * `portcullis_transform_jsonata` entry matching the request's path and method rewrites the request
 * body before it goes upstream; the first matching `_response` entry is kept on the request for the
 * proxy, which then buffers that response (see body-transforms/response-body.ts). Only requests to
 * such a path read their body whole, bounded by `TRANSFORMED_BODY_LIMIT` (or the path's size limit
 * when smaller): 413 past it. The program runs in the transform pool, bounded in time; a failure is
 * answered with its code (transform_failed, transform_timeout, malformed_json), never a stack.
 */
export type CompiledBodyTransforms = PerVersion<VersionBodyTransforms>;

/** The largest body a transform reads or writes (Tyk reads it whole, unbounded). */
export const TRANSFORMED_BODY_LIMIT = 1024 * 1024;

export function compileBodyTransforms(api: ApiDefinition): CompiledBodyTransforms | null {
  const compiled = compilePerVersion(api, (settings) => {
    const raw = (api as { version_data?: { versions?: Record<string, Record<string, unknown>> } }).version_data!.versions![settings.name]!;
    // Validation compiled the programs already; here they are only read.
    const transforms = readBodyTransforms(raw, `version_data.versions.${settings.name}`, false).value;
    return hasBodyTransforms(transforms) ? transforms : null;
  });
  // The workers start with the first API that needs them.
  if (compiled !== null)
    transformPool().warm([...compiled.byName.values()].some((version) => [...version.request, ...version.response].some((entry) => entry.language === 'jq')));
  return compiled;
}

export function findTransform(entries: readonly BodyTransform[], path: string, method: string): BodyTransform | null {
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) return entry;
  }
  return null;
}

/** The request's headers by lower-case name (repeated ones joined with ", "). */
export function headerObject(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? raw[i + 1]! : `${headers[name]}, ${raw[i + 1]!}`;
  }
  return headers;
}

/** Tyk's canonical header key with `-` as `_` (User-Agent: headers_User_Agent). */
function contextKey(name: string): string {
  return `headers_${name
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1).toLowerCase())
    .join('_')}`;
}

/**
 * What a transform of `language` is given of the request: for jq, Tyk's `_tyk_context`, filled
 * only with enable_context_vars (null otherwise, as Tyk has no context data then); for JSONata, the
 * method and path ($method, $path). The caller's token is never put in it.
 */
export function transformContext(ctx: RequestContext, language: BodyTransformLanguage): Record<string, unknown> | null {
  const context: Record<string, unknown> = { path: ctx.path, request_method: ctx.req.method ?? '' };
  if (language === 'jsonata') return context;
  if ((ctx.api!.definition as { enable_context_vars?: unknown }).enable_context_vars !== true) return null;
  context.remote_addr = clientAddress(ctx.req.socket.remoteAddress);
  context.path_parts = ctx.path.split('/').filter((part) => part !== '');
  const raw = ctx.req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) context[contextKey(raw[i]!)] = raw[i + 1]!;
  return context;
}

/** A failed outcome as the answer to the client. `request`: the body was the client's. */
export function failureResult(outcome: Exclude<TransformOutcome, { ok: true }>, request: boolean): StepResult {
  switch (outcome.kind) {
    case 'not_json':
      return request ? fail('malformed_json') : fail('upstream_body_not_json');
    case 'not_xml':
      return request ? fail('malformed_xml') : fail('upstream_body_not_xml');
    case 'too_large':
      return request ? errorResponseSaying('transform_failed', `The path's body transform failed: ${outcome.message}`) : fail('upstream_body_too_large');
    case 'timeout':
      return fail('transform_timeout');
    case 'busy':
      return fail('transform_busy');
    case 'failed':
      return errorResponseSaying('transform_failed', `The path's body transform failed: ${outcome.message}`);
  }
}

const bodyHeaders: ReadonlySet<string> = new Set(['content-length', 'transfer-encoding']);
const acceptEncoding: ReadonlySet<string> = new Set(['accept-encoding']);
const contentType: ReadonlySet<string> = new Set(['content-type']);
const headerName = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** rewrite_headers as [name, value] pairs, or the reason they cannot be sent. */
export function rewrittenHeaders(headers: Record<string, string>): [string, string][] | string {
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!headerName.test(name)) return `rewrite_headers: "${name}" is not a header name`;
    if (/[\r\n\0]/.test(value)) return `rewrite_headers: the value of ${name} contains CR, LF or NUL`;
    pairs.push([name, value]);
  }
  return pairs;
}

export const transformBody: Step = {
  name: 'transform-body',
  always: false,
  enabledFor: (api) =>
    compilePerVersion(api, (settings) => {
      const raw = (api as { version_data?: { versions?: Record<string, Record<string, unknown>> } }).version_data!.versions![settings.name]!;
      return hasBodyTransforms(readBodyTransforms(raw, '', false).value) ? true : null;
    }) !== null,
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const transforms = forRequestVersion(api.bodyTransforms!, ctx);
    if (transforms === null) return CONTINUE;
    const method = ctx.req.method!;
    const path = pathBelow(ctx.path, api.listenPath);
    if (transforms.response.length > 0) {
      ctx.responseTransform = findTransform(transforms.response, path, method);
      // The body must come back as JSON text the transform can read, not compressed.
      if (ctx.responseTransform !== null) (ctx.shaping ??= new ForwardShaping()).removeRequest(acceptEncoding);
    }
    const entry = transforms.request.length > 0 ? findTransform(transforms.request, path, method) : null;
    if (entry === null) return CONTINUE;
    if (ctx.body !== null) {
      if (ctx.body.length > TRANSFORMED_BODY_LIMIT) return tooLarge;
      runRequestTransform(ctx, entry, ctx.body);
      return PENDING;
    }
    const limit = ctx.bodyLimit === -1 ? TRANSFORMED_BODY_LIMIT : Math.min(ctx.bodyLimit, TRANSFORMED_BODY_LIMIT);
    // The request waits (PENDING); readBody never rejects (a failed read is a result), resumeChain answers.
    void readBody(ctx.req, limit).then((read) => {
      if (read.kind === 'too-large') return resumeChain(ctx, tooLarge);
      if (read.kind === 'failed') return resumeChain(ctx, fail('malformed_request'));
      runRequestTransform(ctx, entry, read.body);
    });
    return PENDING;
  },
};

function runRequestTransform(ctx: RequestContext, entry: BodyTransform, body: Buffer): void {
  const task = {
    language: entry.language,
    direction: 'request' as const,
    program: entry.program,
    input: entry.input,
    body,
    headers: headerObject(ctx.req.rawHeaders),
    context: transformContext(ctx, entry.language),
    status: 0,
    maxBytes: TRANSFORMED_BODY_LIMIT,
  };
  // The request waits (PENDING); run() never rejects (a failure is an outcome), resumeChain answers.
  void transformPool()
    .run(task)
    .then((outcome) => {
      if (!outcome.ok) return resumeChain(ctx, failureResult(outcome, true));
      ctx.body = outcome.body;
      ctx.transformContext = outcome.context;
      const shaping = (ctx.shaping ??= new ForwardShaping());
      // The new body's length replaces the client's (or its chunked encoding).
      shaping.removeRequest(bodyHeaders);
      if (outcome.headers !== null) {
        const pairs = rewrittenHeaders(outcome.headers);
        if (typeof pairs === 'string') return resumeChain(ctx, errorResponseSaying('transform_failed', `The path's body transform failed: ${pairs}`));
        shaping.removeRequest(new Set(pairs.map(([name]) => name.toLowerCase())));
        for (const [name, value] of pairs) shaping.addHeaders.push(name, value);
      }
      shaping.addHeaders.push('content-length', String(outcome.body.length));
      // XML read, JSON sent.
      if (entry.input === 'xml') {
        shaping.removeRequest(contentType);
        shaping.addHeaders.push('content-type', 'application/json');
      }
      resumeChain(ctx, CONTINUE);
    });
}
