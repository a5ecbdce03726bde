import type { ApiDefinition, PathReply } from '@portcullis/domain';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, fail, respond, type RespondResult, type Step, type StepResult } from '../step.js';
import { needsVersionStep, type CompiledVersion, type CompiledVersions } from '../versions/compiled-versions.js';
import { decidePath } from '../versions/path-rules.js';
import { pathBelow } from './authorise.js';

const notFound = fail('version_not_found');
const unknown = fail('version_unknown');
const expired = fail('version_expired');
const forbidden = fail('endpoint_forbidden');

/**
 * Tyk's VersionCheck: finds the version a request asks for (header, query parameter or first path
 * segment below the listen path; else default_version), refuses a missing, unknown or expired one,
 * then applies that version's path rules: a black-listed path, or one a white list leaves out,
 * answers 403; an ignored path continues on the API's chain without the identity steps
 * (authenticate, authorise, limits), as Tyk's ignored paths skip authentication; an entry whose
 * method action is `reply` is answered here with its mock, as Tyk's VersionCheck does. It runs before
 * authentication, as in Tyk, so these answers need no credential. Everything was compiled at load.
 */
export const versionCheck: Step = {
  name: 'version-check',
  always: false,
  enabledFor: (api: ApiDefinition) => needsVersionStep(api),
  handle(ctx: RequestContext): StepResult {
    const api = ctx.api!;
    const versions = api.versions!;
    const below = pathBelow(ctx.path, api.listenPath);
    let version: CompiledVersion | null;
    if (!versions.versioned) {
      version = versions.single;
    } else {
      const name = requestedVersion(ctx, versions, below);
      if (name === '') {
        version = versions.defaultVersion;
        if (version === null) return refuse(ctx, notFound);
      } else {
        version = versions.byName.get(name) ?? (versions.fallbackToDefault ? versions.defaultVersion : null);
        if (version === null) return refuse(ctx, unknown);
      }
      if (version.expiresAt !== null && Date.now() >= version.expiresAt) return refuse(ctx, expired);
    }
    ctx.version = version;
    if (version === null || (version.rules.length === 0 && !version.whiteListed)) return CONTINUE;
    const decision = decidePath(version.rules, version.whiteListed, below, ctx.versionlessPath, ctx.path, ctx.req.method!);
    if (decision === 'forbidden') return refuse(ctx, forbidden);
    if (decision === 'ignored') ctx.chain = versions.ignoredChain;
    else if (typeof decision === 'object') return replyResponse(decision);
    return CONTINUE;
  },
};

/** Each reply's response, built once (the rules, and so their replies, live as long as the API). */
const replies = new WeakMap<PathReply, RespondResult>();

/** Tyk's DoMockReply: the entry's headers, code and data, answered here without an upstream. */
function replyResponse(reply: PathReply): RespondResult {
  let response = replies.get(reply);
  if (response === undefined) {
    const body = Buffer.from(reply.body);
    const headers: string[] = [];
    for (const [name, value] of reply.headers) headers.push(name, value);
    headers.push('content-length', String(body.length));
    response = respond(reply.status, headers, body);
    replies.set(reply, response);
  }
  return response;
}

function refuse(ctx: RequestContext, result: StepResult): StepResult {
  ctx.refusal = 'forbidden';
  return result;
}

/**
 * The version the request names ('' for none), Tyk's getVersionFromRequest. With
 * strip_versioning_data, what named it is kept from the upstream: the header, the query parameter,
 * or the URL segment (only one matching url_versioning_pattern, when set).
 */
function requestedVersion(ctx: RequestContext, versions: CompiledVersions, below: string): string {
  switch (versions.location) {
    case 'header': {
      const raw = ctx.req.rawHeaders;
      const key = versions.key;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.length === key.length && raw[i]!.toLowerCase() === key) {
          if (versions.dropHeader !== null) ctx.dropHeaders = versions.dropHeader;
          return raw[i + 1]!.trim();
        }
      }
      return '';
    }
    case 'url-param': {
      if (ctx.query.length < 2) return '';
      const params = new URLSearchParams(ctx.query.slice(1));
      const name = params.get(versions.key);
      if (name === null) return '';
      if (versions.stripVersion) ctx.forwardQuery = withoutParameter(ctx.query, versions.key);
      return name;
    }
    case 'url': {
      // The first non-empty segment below the listen path.
      let start = 0;
      while (start < below.length && below.charCodeAt(start) === 47) start++;
      if (start === below.length) return '';
      const end = below.indexOf('/', start);
      const segment = end === -1 ? below.slice(start) : below.slice(start, end);
      const rest = end === -1 ? '/' : below.slice(end);
      ctx.versionlessPath = rest;
      if (versions.stripVersion && (versions.urlVersionPattern === null || versions.urlVersionPattern.test(segment))) {
        const prefix = ctx.path.slice(0, ctx.path.length - below.length);
        ctx.forwardPath = end === -1 ? (prefix === '' ? '/' : prefix) : prefix + rest;
      }
      return decodeSegment(segment);
    }
    case null:
      return '';
  }
}

function decodeSegment(segment: string): string {
  if (segment.indexOf('%') === -1) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The query string (with its `?`) without any `name=` pair; '' when nothing is left. */
function withoutParameter(query: string, name: string): string {
  const kept = query
    .slice(1)
    .split('&')
    .filter((pair) => {
      const at = pair.indexOf('=');
      const raw = at === -1 ? pair : pair.slice(0, at);
      try {
        return decodeURIComponent(raw.replace(/\+/g, ' ')) !== name;
      } catch {
        return true;
      }
    });
  return kept.length === 0 ? '' : `?${kept.join('&')}`;
}
