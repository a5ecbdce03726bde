import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import { queues, subjects, type Reply, type TokenIntrospection } from '@portcullis/contracts';
import { AccessTokenIntrospection } from './access-token-introspection.js';

/**
 * Introspection for gateways over the bus: no client authentication, since only services on the
 * bus can ask (as with `auth.keys.lookup`), and a gateway holding a token may learn what it grants.
 */
@Controller()
export class IntrospectionMessages {
  private readonly logger = new Logger(IntrospectionMessages.name);

  constructor(private readonly introspection: AccessTokenIntrospection) {}

  @MessagePattern(subjects.authTokensIntrospect, { queue: queues.auth })
  introspect(@Payload() request: unknown): Promise<Reply<TokenIntrospection>> {
    return replyFrom(() => this.introspection.introspect(request), this.logger);
  }
}
