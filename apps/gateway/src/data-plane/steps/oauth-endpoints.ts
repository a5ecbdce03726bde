import type { ApiDefinition } from '@portcullis/domain';
import { oauthMetaOf } from '@portcullis/domain';
import { authorizeClient } from '../oauth/authorize-client.js';
import { authorizeRedirect } from '../oauth/authorize-redirect.js';
import type { CompiledOAuth, OAuthRoute } from '../oauth/compiled-oauth.js';
import type { OAuthBridge } from '../oauth/oauth-bridge.js';
import { tokenExchange } from '../oauth/token-exchange.js';
import type { RequestContext } from '../request-context.js';
import { CONTINUE, type Step, type StepResult } from '../step.js';

/**
 * Serves an OAuth API's own endpoints, as Tyk does under its listen path: `oauth/token`,
 * `oauth/authorize` and `tyk/oauth/authorize-client` (trailing slash optional). Any other path goes
 * on to authenticate. APIs without `use_oauth2` leave the step out; for the others it costs one Map
 * lookup of the path.
 */
export const oauthEndpoints: Step = {
  name: 'oauth-endpoints',
  always: false,
  enabledFor: (api) => api.use_oauth2 === true,
  handle(ctx: RequestContext): StepResult {
    const oauth = ctx.api!.oauth!;
    const route = oauth.routes.get(ctx.path);
    return route === undefined ? CONTINUE : route(ctx, oauth);
  },
};

export function compileOAuth(api: ApiDefinition, listenPath: string, bridge: OAuthBridge): CompiledOAuth | null {
  if (!oauthEndpoints.enabledFor(api)) return null;
  const meta = oauthMetaOf(api);
  const base = listenPath === '/' ? '' : listenPath;
  const routes = new Map<string, OAuthRoute>();
  const add = (path: string, route: OAuthRoute) => {
    routes.set(`${base}${path}`, route);
    routes.set(`${base}${path}/`, route);
  };
  add('/oauth/token', tokenExchange);
  if (meta.allowed_authorize_types.length > 0) add('/oauth/authorize', authorizeRedirect);
  add('/tyk/oauth/authorize-client', authorizeClient);
  const tokenRequest: CompiledOAuth['tokenRequest'] = {
    api_id: api.api_id,
    allowed_grant_types: [...meta.allowed_access_types],
    ...(meta.access_token_expires_in !== undefined ? { access_token_ttl: meta.access_token_expires_in } : {}),
    ...(meta.refresh_token_expires_in !== undefined ? { refresh_token_ttl: meta.refresh_token_expires_in } : {}),
    ...(api.notifications
      ? { notifications: { oauth_on_keychange_url: api.notifications.oauth_on_keychange_url, shared_secret: api.notifications.shared_secret } }
      : {}),
  };
  const authorizeTarget =
    meta.auth_login_redirect !== undefined
      ? { url: meta.auth_login_redirect, status: 307 as const }
      : { url: `${bridge.authPublicUrl.replace(/\/+$/, '')}/oauth/authorize`, status: 302 as const };
  return { routes, tokenRequest: Object.freeze(tokenRequest), authorizeTarget, bridge };
}
