import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type Reply, type RevokeRequest } from '@portcullis/contracts';
import { PortcullisError } from '@portcullis/errors';
import { ClientAuthenticator } from '../client-auth/client-authenticator.js';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { RevocationService } from './revocation.service.js';

/**
 * Tyk's /tyk/oauth/revoke and /revoke_all over the bus. Unlike Tyk, the client must authenticate
 * with its secret (RFC 7009 §2.1), compared in constant time as at the revocation endpoint.
 */
@Controller()
export class RevocationMessages {
  private readonly logger = new Logger(RevocationMessages.name);

  constructor(
    private readonly clients: ClientAuthenticator,
    private readonly revocation: RevocationService,
  ) {}

  @MessagePattern(subjects.authTokensRevoke, { queue: queues.auth })
  revoke(@Payload() request: RevokeRequest): Promise<Reply<{ revoked: boolean }>> {
    return replyFrom(
      () =>
        asPortcullis(async () => {
          const client = await this.clients.authenticateWithSecret(request?.client_id, request?.client_secret);
          if (typeof request.token !== 'string' || request.token === '') {
            throw new PortcullisError('validation_failed', undefined, [{ field: 'token', message: 'is required' }]);
          }
          return { revoked: await this.revocation.revoke(client.client_id, request.token, request.token_type_hint) };
        }),
      this.logger,
    );
  }

  @MessagePattern(subjects.authTokensRevokeAll, { queue: queues.auth })
  revokeAll(@Payload() request: RevokeRequest): Promise<Reply<{ revoked: number }>> {
    return replyFrom(
      () =>
        asPortcullis(async () => {
          const client = await this.clients.authenticateWithSecret(request?.client_id, request?.client_secret);
          return { revoked: await this.revocation.revokeAll(client.client_id) };
        }),
      this.logger,
    );
  }
}

/** OAuth failures in the platform's catalogue, so they cross the bus with a code and status. */
async function asPortcullis<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.code === 'invalid_client') throw new PortcullisError('unauthorized', 'Client authentication failed');
    if (error.code === 'slow_down') throw new PortcullisError('rate_limited', error.description);
    throw new PortcullisError('validation_failed', error.description);
  }
}
