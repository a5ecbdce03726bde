import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type HttpReply, type KeyChangeNotifications, type OAuthTokenRequest, type Reply } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { TokenEndpoint, type TokenApiContext } from './token-endpoint.js';

/**
 * A gateway's `{listen_path}/oauth/token/`, handed over the bus with the API it came through. The
 * answer is the HTTP response the gateway writes out as it is: the same endpoint logic as
 * `POST /oauth/token`, narrowed to the API. NATS is the trusted side, so the API context comes from
 * the gateway's compiled definition, never from the client's request.
 */
@Controller()
export class TokenMessages {
  private readonly logger = new Logger(TokenMessages.name);

  constructor(private readonly endpoint: TokenEndpoint) {}

  @MessagePattern(subjects.authOAuthToken, { queue: queues.auth })
  token(@Payload() request: OAuthTokenRequest | null): Promise<Reply<HttpReply>> {
    return replyFrom(() => {
      const api = apiContextOf(request);
      return this.endpoint.handle({
        contentType: optionalString(request?.content_type),
        authorization: optionalString(request?.authorization),
        body: request?.body,
        api,
      });
    }, this.logger);
  }
}

/** A malformed request is the gateway's bug, not the client's: a platform error, named by field. */
function apiContextOf(request: Partial<OAuthTokenRequest> | null | undefined): TokenApiContext {
  const problems: { field: string; message: string }[] = [];
  const apiId = request?.api_id;
  if (typeof apiId !== 'string' || apiId === '') problems.push({ field: 'api_id', message: 'is required' });
  const allowed = request?.allowed_grant_types;
  if (allowed !== undefined && !(Array.isArray(allowed) && allowed.every((type) => typeof type === 'string'))) problems.push({ field: 'allowed_grant_types', message: 'must be a list of grant types' });
  for (const field of ['access_token_ttl', 'refresh_token_ttl'] as const) {
    const value = request?.[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) > 0)) problems.push({ field, message: 'must be a positive whole number of seconds' });
  }
  const notifications = request?.notifications;
  if (notifications !== undefined && !isNotifications(notifications)) problems.push({ field: 'notifications', message: 'must name oauth_on_keychange_url and shared_secret' });
  if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
  return {
    apiId: apiId as string,
    allowedGrantTypes: allowed,
    accessTokenTtl: request?.access_token_ttl,
    refreshTokenTtl: request?.refresh_token_ttl,
    notifications,
  };
}

function isNotifications(value: unknown): value is KeyChangeNotifications {
  const candidate = value as Partial<KeyChangeNotifications> | null;
  return typeof candidate?.oauth_on_keychange_url === 'string' && /^https?:\/\//.test(candidate.oauth_on_keychange_url) && typeof candidate.shared_secret === 'string';
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
