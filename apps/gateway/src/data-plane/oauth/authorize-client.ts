import type { AuthorizeClientRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { adminChallenges, inputProblem, secretsMatch } from '@portcullis/http';
import { resumeChain } from '../chain.js';
import type { RequestContext } from '../request-context.js';
import { PENDING, type StepResult } from '../step.js';
import type { CompiledOAuth } from './compiled-oauth.js';
import { methodNotAllowed, tykError, tykJson } from './oauth-responses.js';
import { readBody } from './read-body.js';

const BODY_LIMIT = 64 * 1024;
const postOnly = methodNotAllowed('POST');
const unauthorized = tykError('unauthorized', undefined, undefined, ['www-authenticate', adminChallenges['x-tyk-authorization']]);
const tooLarge = tykError('payload_too_large', undefined, undefined, ['connection', 'close']);

/** The parameters Tyk's authorize-client takes (plus PKCE and `sub`, ours). */
const fields = ['response_type', 'client_id', 'redirect_uri', 'state', 'scope', 'code_challenge', 'code_challenge_method', 'sub', 'key_rules'] as const;

/**
 * `{listen_path}/tyk/oauth/authorize-client/`: the app's back end, after its own login page, approves
 * an authorization request (admin secret in `x-tyk-authorization`, as on Tyk). Form or JSON body;
 * the auth service checks and issues the code; the answer is Tyk's `{code, redirect_to}`.
 */
export function authorizeClient(ctx: RequestContext, oauth: CompiledOAuth): StepResult {
  if (ctx.req.method !== 'POST') return postOnly;
  const presented = ctx.req.headers['x-tyk-authorization'];
  // Checked before the body is read: without the secret nothing is learnt from how it is parsed.
  if (!secretsMatch(typeof presented === 'string' ? presented : undefined, oauth.bridge.adminSecret)) return unauthorized;
  // The request waits (PENDING) and resumeChain answers it; resumeChain logs and answers 500 on a throw.
  void approve(ctx, oauth).then(
    (result) => resumeChain(ctx, result),
    () => resumeChain(ctx, tykError('internal')),
  );
  return PENDING;
}

async function approve(ctx: RequestContext, oauth: CompiledOAuth): Promise<StepResult> {
  const read = await readBody(ctx.req, BODY_LIMIT);
  if (read.kind === 'too-large') return tooLarge;
  if (read.kind === 'failed') return tykError('validation_failed', 'The request body could not be read');
  const parsed = parseParameters(ctx.req.headers['content-type'], read.body.toString('utf8'));
  if ('error' in parsed) return parsed.error;
  try {
    const reply = await oauth.bridge.authorizeClient({ ...parsed.request, api_id: oauth.tokenRequest.api_id });
    return tykJson(200, { code: reply.code, redirect_to: reply.redirect_to });
  } catch (error) {
    if (error instanceof PortcullisError) return tykError(error.code, error.message, error.details);
    return tykError('internal');
  }
}

type Parsed = { request: Omit<AuthorizeClientRequest, 'api_id'> } | { error: StepResult };

/** JSON when it says so, else a form (Tyk's documented way); every parameter at most once, as text. */
export function parseParameters(contentType: string | undefined, text: string): Parsed {
  const values: Record<string, unknown> = {};
  if ((contentType ?? '').toLowerCase().includes('json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { error: tykError('malformed_json') };
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      return { error: tykError('validation_failed', undefined, [{ field: '(body)', message: 'must be a JSON object' }]) };
    for (const name of fields) if (Object.hasOwn(body, name)) values[name] = (body as Record<string, unknown>)[name];
  } else {
    for (const [name, value] of new URLSearchParams(text)) {
      if (!(fields as readonly string[]).includes(name)) continue;
      if (Object.hasOwn(values, name)) return { error: tykError('validation_failed', undefined, [{ field: name, message: 'is repeated' }]) };
      values[name] = value;
    }
  }
  // The same check every other body of the three services goes through (NUL, nesting).
  const refused = inputProblem(values);
  if (refused !== undefined) return { error: tykError('validation_failed', undefined, [refused]) };
  const problems: { field: string; message: string }[] = [];
  for (const name of fields) {
    const value = values[name];
    if (name === 'key_rules' || value === undefined || value === '') continue;
    if (typeof value !== 'string') problems.push({ field: name, message: 'must be a string' });
  }
  for (const name of ['response_type', 'client_id', 'redirect_uri'] as const) {
    if (values[name] === undefined || values[name] === '') problems.push({ field: name, message: 'is required' });
  }
  if (problems.length > 0) return { error: tykError('validation_failed', undefined, problems) };
  const text_ = (name: (typeof fields)[number]) => (typeof values[name] === 'string' && values[name] !== '' ? (values[name] as string) : undefined);
  const request: Omit<AuthorizeClientRequest, 'api_id'> = {
    response_type: text_('response_type')!,
    client_id: text_('client_id')!,
    redirect_uri: text_('redirect_uri')!,
  };
  for (const name of ['state', 'scope', 'code_challenge', 'code_challenge_method'] as const) {
    const value = text_(name);
    if (value !== undefined) request[name] = value;
  }
  const sub = text_('sub') ?? aliasOf(values.key_rules);
  if (sub !== undefined) request.sub = sub;
  if (values.key_rules !== undefined && values.key_rules !== '') request.key_rules = values.key_rules;
  return { request };
}

/** Tyk's key_rules is a session; its `alias` names the user the app logged in. */
function aliasOf(keyRules: unknown): string | undefined {
  let rules = keyRules;
  if (typeof rules === 'string') {
    try {
      rules = JSON.parse(rules);
    } catch {
      return undefined;
    }
  }
  const alias = (rules as { alias?: unknown } | null)?.alias;
  return typeof alias === 'string' && alias !== '' ? alias : undefined;
}
