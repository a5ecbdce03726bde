import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type HttpReply, type OAuthTokenRequest, type Reply } from '@portcullis/contracts';
import { TokenEndpoint } from './token-endpoint.js';

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
      // A malformed request is the gateway's bug, not the client's: a platform error, named by field.
      const parsed = requestPayload(subjects.authOAuthToken, request);
      return this.endpoint.handle({
        contentType: parsed.content_type,
        authorization: parsed.authorization,
        body: parsed.body,
        api: {
          apiId: parsed.api_id,
          allowedGrantTypes: parsed.allowed_grant_types,
          accessTokenTtl: parsed.access_token_ttl,
          refreshTokenTtl: parsed.refresh_token_ttl,
          notifications: parsed.notifications,
        },
      });
    }, this.logger);
  }
}
