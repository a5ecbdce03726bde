import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom, requestPayload } from '@portcullis/bus';
import { queues, subjects, type AuthorizeClientReply, type AuthorizeClientRequest, type Reply } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { AuthorizationService } from './authorization.service.js';

/**
 * Tyk's `{listen_path}/tyk/oauth/authorize-client/`: the app's back end, which logged the user in on its
 * own page and is trusted through the gateway's admin secret, approves an authorization request. The
 * same checks as the built-in page apply; the answer is the code and where to send the user agent.
 */
@Controller()
export class AuthorizeClientMessages {
  private readonly logger = new Logger(AuthorizeClientMessages.name);

  constructor(private readonly authorization: AuthorizationService) {}

  @MessagePattern(subjects.authAuthorizeClient, { queue: queues.auth })
  authorizeClient(@Payload() request: Partial<AuthorizeClientRequest> | null): Promise<Reply<AuthorizeClientReply>> {
    return replyFrom(async () => {
      const input = requestPayload(subjects.authAuthorizeClient, request);
      const { api_id: apiId, sub } = input;
      const outcome = await this.authorization.check({
        response_type: input.response_type,
        client_id: input.client_id,
        redirect_uri: input.redirect_uri,
        state: input.state,
        scope: input.scope,
        code_challenge: input.code_challenge,
        code_challenge_method: input.code_challenge_method,
      });
      // The back end gets an error to show, never a redirect: it decides what its user sees.
      if (outcome.kind === 'page') throw new PortcullisError('validation_failed', outcome.message, [{ field: outcome.field, message: outcome.message }]);
      if (outcome.kind === 'redirect')
        throw new PortcullisError('validation_failed', `${outcome.error}: ${outcome.description}`, [
          { field: fieldOf(outcome.error), message: outcome.description },
        ]);
      if (outcome.client.api_ids.length > 0 && !outcome.client.api_ids.includes(apiId)) throw invalid('api_id', 'this client may not call this API');
      // Without an identity from the app, the client itself is the subject, as in Tyk's flow without key_rules.
      const approved = await this.authorization.approve(outcome.request, sub ?? outcome.request.clientId, apiId);
      return { code: approved.code, redirect_to: approved.redirectTo };
    }, this.logger);
  }
}

function invalid(field: string, message: string): PortcullisError {
  return new PortcullisError('validation_failed', undefined, [{ field, message }]);
}

function fieldOf(error: string): string {
  if (error === 'unsupported_response_type') return 'response_type';
  if (error === 'invalid_scope') return 'scope';
  return '(request)';
}
