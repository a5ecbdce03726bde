import type { OAuthTokenRequest } from '@portcullis/contracts';
import type { RequestContext } from '../request-context.js';
import type { StepResult } from '../step.js';
import type { OAuthBridge } from './oauth-bridge.js';

/** One OAuth endpoint of an API: answers the request (usually 'pending', resuming later). */
export type OAuthRoute = (ctx: RequestContext, oauth: CompiledOAuth) => StepResult;

/** What an API with `use_oauth2` needs at its OAuth endpoints, all decided at load. */
export interface CompiledOAuth {
  /** Exact request paths (with and without the trailing slash) to their endpoint. */
  readonly routes: ReadonlyMap<string, OAuthRoute>;
  /** The token request's fixed part: the API and its settings; the request adds only what it sent. */
  readonly tokenRequest: Readonly<Omit<OAuthTokenRequest, 'body' | 'authorization' | 'content_type'>>;
  /** Where `{listen_path}/oauth/authorize` sends the user agent, the query appended. */
  readonly authorizeTarget: { readonly url: string; readonly status: 302 | 307 };
  readonly bridge: OAuthBridge;
}
