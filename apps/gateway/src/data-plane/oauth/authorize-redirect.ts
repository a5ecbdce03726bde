import type { RequestContext } from '../request-context.js';
import { respond, type StepResult } from '../step.js';
import type { CompiledOAuth } from './compiled-oauth.js';
import { methodNotAllowed } from './oauth-responses.js';

const getOnly = methodNotAllowed('GET, HEAD');
const empty = Buffer.alloc(0);

/**
 * `{listen_path}/oauth/authorize/`: the user agent goes where the user logs in, the authorization
 * request's query carried along unchanged. With `auth_login_redirect` that is the app's own page
 * (Tyk's flow: its back end then approves through `tyk/oauth/authorize-client/`), kept a 307 as Tyk
 * answers; without one, the auth service's built-in login and consent page.
 */
export function authorizeRedirect(ctx: RequestContext, oauth: CompiledOAuth): StepResult {
  const method = ctx.req.method;
  if (method !== 'GET' && method !== 'HEAD') return getOnly;
  const { url, status } = oauth.authorizeTarget;
  const query = ctx.query.length > 1 ? ctx.query.slice(1) : '';
  const location = query === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${query}`;
  return respond(status, ['location', location, 'cache-control', 'no-store', 'content-length', '0'], empty);
}
