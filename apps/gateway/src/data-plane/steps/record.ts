import type { AnalyticsRecord } from '@portcullis/contracts';
import type { RequestLogSettings } from '@portcullis/domain';
import { wantsDebugLog } from '../debug-logs.js';
import { isUntracked, trackedEndpoint } from '../endpoint-tracking.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step, type StepResult } from '../step.js';

/**
 * Counts the request and its duration under its API (or under no API when nothing matched), and
 * hands an analytics record of every request an API received to the recorder (O(1), never awaited:
 * it is summed into the open window; publishing happens off the request path), asking it to keep
 * the record as a request log when the API wants that one, or when its caller is being debugged (an
 * admin's request-log session for that key or client). Runs last and always, whichever step
 * answered, once the response has been handed to Node. What an API does not use costs nothing here:
 * no track_endpoints, no match; no debug session anywhere, no lookup.
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
    if (api.analytics !== null && (api.untracked === null || !isUntracked(api.untracked, ctx))) {
      const entry = analyticsRecord(ctx, totalMs, api.tracked === null ? undefined : trackedEndpoint(api.tracked, ctx));
      const debug = ctx.config.debugLogs;
      const keepLog =
        (api.requestLog !== null && keepsLog(api.requestLog, ctx.status)) ||
        (debug !== null && ctx.identity !== null && wantsDebugLog(debug, ctx.identity, entry.at));
      api.analytics.record(entry, keepLog);
    }
    return CONTINUE;
  },
};

/** Whether this request is one the API keeps as a request log: every error when asked, else a sample. */
function keepsLog(settings: RequestLogSettings, status: number): boolean {
  if (settings.errors && status >= 400) return true;
  return settings.sampleRate >= 1 || (settings.sampleRate > 0 && Math.random() < settings.sampleRate);
}

/** One record, in one fixed shape (every field present) so records share a hidden class. */
export function analyticsRecord(ctx: RequestContext, totalMs: number, endpoint: string | undefined): AnalyticsRecord {
  const identity = ctx.identity;
  return {
    at: Date.now(),
    api_id: ctx.api!.id,
    version: ctx.version === null ? undefined : ctx.version.name,
    // Identity.id is already a hash (a key's SHA-256, a hash of issuer and subject), never a credential.
    identity: identity === null ? undefined : identity.id,
    oauth_client_id: identity === null || identity.oauthClientId === null ? undefined : identity.oauthClientId,
    endpoint,
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
