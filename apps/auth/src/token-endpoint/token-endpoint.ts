import { Injectable, Logger } from '@nestjs/common';
import type { HttpReply, KeyChangeNotifications } from '@portcullis/contracts';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import type { StoredClient } from '../clients/stored-client.js';
import type { ApiIssueContext } from '../grants/grant.js';
import { Grants } from '../grants/grants.js';
import { KeyChangeNotifier } from '../notifications/key-change-notifier.js';
import { toOAuthError } from '../oauth-errors/oauth-error.filter.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import type { TokenResponse } from '../tokens/token-response.js';
import { parseForm, required, type FormParams } from '../oauth-forms/form-body.js';

/** The API a token request came through (a gateway's `{listen_path}/oauth/token/`). */
export interface TokenApiContext {
  apiId: string;
  /** The API's allowed grant types; undefined: no restriction beyond the client's own. */
  allowedGrantTypes?: readonly string[];
  /** The API's lifetimes, used for clients without their own. */
  accessTokenTtl?: number;
  refreshTokenTtl?: number;
  notifications?: KeyChangeNotifications;
}

/** A token request as it arrived, before anything is parsed. */
export interface TokenRequest {
  contentType: string | undefined;
  authorization: string | undefined;
  /** The raw body; anything but a string counts as empty. */
  body: unknown;
  api?: TokenApiContext;
}

/**
 * RFC 6749 §5.1/§5.2: token answers, errors included, are never cached. One frozen object shared by
 * every successful answer (nothing writes to an answer's headers); errors copy it to add a challenge or a Retry-After.
 */
const answerHeaders: Readonly<Record<string, string>> = Object.freeze({
  'Content-Type': 'application/json; charset=utf-8',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
});

/**
 * The RFC 6749 §3.2 token endpoint, whole: from the raw request to the HTTP answer. The auth service's
 * own `POST /oauth/token` and a gateway's `{listen_path}/oauth/token/` (over the bus) both run it, so
 * the two can never answer differently; the API context only narrows what the request may get.
 */
@Injectable()
export class TokenEndpoint {
  private readonly logger = new Logger('TokenEndpoint');

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly grants: Grants,
    private readonly notifier: KeyChangeNotifier,
  ) {}

  async handle(request: TokenRequest): Promise<HttpReply> {
    try {
      return reply(200, await this.exchange(request));
    } catch (exception) {
      const error = toOAuthError(exception, this.logger);
      const headers: Record<string, string> = { ...answerHeaders, ...error.headers };
      return { status: error.status, headers, body: JSON.stringify(error.toBody()) };
    }
  }

  private async exchange(request: TokenRequest): Promise<TokenResponse> {
    const params = parseForm(request.contentType, request.body);
    const grantType = required(params, 'grant_type');
    const client = await this.clients.authenticate({ headers: { authorization: request.authorization }, body: params });
    const api = request.api;
    // Tyk's client belongs to an API: a client of another API gets nothing here, whatever it holds.
    if (api && !client.api_ids.includes(api.apiId)) throw new OAuthError('unauthorized_client', 'This client may not use this API');
    const grant = this.grants.get(grantType);
    if (!grant || (api?.allowedGrantTypes && !api.allowedGrantTypes.includes(grantType))) {
      throw new OAuthError('unsupported_grant_type', `The grant type ${grantType} is not supported${grant ? ' by this API' : ''}`);
    }
    if (!client.grant_types.includes(grant.grantType)) throw new OAuthError('unauthorized_client', `This client may not use the ${grantType} grant`);
    const tokens = await grant.handler({ client, params, api: api && issueContext(api, client) });
    if (api?.notifications) this.notifier.notify(api.notifications, notificationOf(grantType, params, tokens));
    return tokens;
  }
}

function reply(status: number, body: TokenResponse): HttpReply {
  return { status, headers: answerHeaders as Record<string, string>, body: JSON.stringify(body) };
}

/** Per-API lifetimes apply to clients that have none of their own (the client is the narrower setting). */
function issueContext(api: TokenApiContext, client: StoredClient): ApiIssueContext {
  return {
    apiIds: [api.apiId],
    accessTokenTtl: client.access_token_ttl ?? api.accessTokenTtl,
    refreshTokenTtl: client.refresh_token_ttl ?? api.refreshTokenTtl,
  };
}

/** Tyk's body: "refresh" for a refresh_token exchange, "new" for any other issuance. */
function notificationOf(grantType: string, params: FormParams, tokens: TokenResponse) {
  const refreshing = grantType === 'refresh_token';
  return {
    auth_code: grantType === 'authorization_code' ? (params.get('code') ?? '') : '',
    new_oauth_token: tokens.access_token,
    refresh_token: tokens.refresh_token ?? '',
    old_refresh_token: refreshing ? (params.get('refresh_token') ?? '') : '',
    notification_type: refreshing ? ('refresh' as const) : ('new' as const),
  };
}
