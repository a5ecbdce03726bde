import type { AnalyticsRecord } from '@portcullis/contracts';
import { readVersionShaping, type ApiDefinition, type RequestLogSettings, type ShapedPath } from '@portcullis/domain';
import { compilePerVersion, forRequestVersion, type PerVersion } from '../version-settings.js';
import { pathBelow } from './authorise.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step, type StepResult } from '../step.js';

/**
 * Counts the request and its duration under its API (or under no API when nothing matched), and
 * hands an analytics record of every request an API received to the recorder (O(1), never awaited:
 * it is summed into the open window; publishing happens off the request path), asking it to keep
 * the record as a request log when the API wants that one. Runs last and always, whichever step
 * answered, once the response has been handed to Node.
 */
export const record: Step = {
  name: 'record',
  always: true,
  enabledFor: () => true,
  handle(ctx: RequestContext): StepResult {
    const totalMs = performance.now() - ctx.startedAt;
    const api = ctx.api;
    if (api === null) {
      ctx.config.unmatched.observe(ctx.status, totalMs / 1000);
      return CONTINUE;
    }
    api.recorder.observe(ctx.status, totalMs / 1000);
    if (api.analytics !== null && (api.untracked === null || !untracked(api.untracked, ctx))) {
      api.analytics.record(analyticsRecord(ctx, totalMs), api.requestLog !== null && keepsLog(api.requestLog, ctx.status));
    }
    return CONTINUE;
  },
};

/** Whether this request is one the API keeps as a request log: every error when asked, else a sample. */
function keepsLog(settings: RequestLogSettings, status: number): boolean {
  if (settings.errors && status >= 400) return true;
  return settings.sampleRate >= 1 || (settings.sampleRate > 0 && Math.random() < settings.sampleRate);
}

/** Each version's do_not_track_endpoints (Tyk): null when none lists any. */
export function compileUntracked(api: ApiDefinition): PerVersion<readonly ShapedPath[]> | null {
  return compilePerVersion(api, (settings) => {
    const raw = (api as { version_data?: { versions?: Record<string, Record<string, unknown>> } }).version_data!.versions![settings.name]!;
    const paths = readVersionShaping(raw, `version_data.versions.${settings.name}`).value.doNotTrack;
    return paths.length > 0 ? paths : null;
  });
}

/** Whether the request's path (below the listen path) and method are listed in do_not_track_endpoints. */
function untracked(compiled: PerVersion<readonly ShapedPath[]>, ctx: RequestContext): boolean {
  const paths = forRequestVersion(compiled, ctx);
  if (paths === null) return false;
  const path = pathBelow(ctx.path, ctx.api!.listenPath);
  const method = ctx.req.method;
  for (let i = 0; i < paths.length; i++) {
    const entry = paths[i]!;
    if ((entry.method === '' || entry.method === method) && entry.pattern.test(path)) return true;
  }
  return false;
}

/** One record, in one fixed shape (every field present) so records share a hidden class. */
export function analyticsRecord(ctx: RequestContext, totalMs: number): AnalyticsRecord {
  const identity = ctx.identity;
  return {
    at: Date.now(),
    api_id: ctx.api!.id,
    version: ctx.version === null ? undefined : ctx.version.name,
    // Identity.id is already a hash (a key's SHA-256, a hash of issuer and subject), never a credential.
    identity: identity === null ? undefined : identity.id,
    oauth_client_id: identity === null || identity.oauthClientId === null ? undefined : identity.oauthClientId,
    method: ctx.req.method ?? 'GET',
    // Without the query string: it may carry credentials (Tyk's auth in a query parameter).
    path: ctx.path,
    status: ctx.status,
    upstream_ms: ctx.upstreamMs < 0 ? 0 : Math.round(ctx.upstreamMs * 1000) / 1000,
    total_ms: Math.round(totalMs * 1000) / 1000,
    // A body read whole (an OAuth 1.0a form) is counted even when it came chunked.
    bytes_in: ctx.body !== null ? ctx.body.length : bytesIn(ctx.req.rawHeaders),
    bytes_out: ctx.bytesOut,
    auth_result: ctx.refusal ?? (ctx.api!.definition.use_keyless ? 'keyless' : identity === null ? 'invalid' : 'ok'),
  };
}

/** The request body's declared length (chunked bodies are not counted: that would mean reading them). */
function bytesIn(raw: readonly string[]): number {
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      const length = Number(raw[i + 1]);
      return Number.isSafeInteger(length) && length > 0 ? length : 0;
    }
  }
  return 0;
}
