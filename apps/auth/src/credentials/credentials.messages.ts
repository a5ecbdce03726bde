import { Controller, Logger } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { replyFrom } from '@portcullis/bus';
import {
  queues,
  subjects,
  type KeyLookupReply,
  type KeyLookupRequest,
  type OAuth1Consumer,
  type OAuth1NonceClaimReply,
  type OAuth1ConsumerCreateRequest,
  type OAuth1TokenCreateRequest,
  type OAuth1TokenRecord,
  type Reply,
} from '@portcullis/contracts';
import { CredentialLookup } from './credential-lookup.service.js';
import { OAuth1Nonces } from './oauth1-nonces.js';
import { OAuth1Credentials } from './oauth1.service.js';

/** Credential lookups and OAuth 1.0a nonces for gateways, and OAuth 1.0a issuance for the admin APIs (which check the admin secret). */
@Controller()
export class CredentialsMessages {
  private readonly logger = new Logger(CredentialsMessages.name);

  constructor(
    private readonly lookups: CredentialLookup,
    private readonly oauth1: OAuth1Credentials,
    private readonly nonces: OAuth1Nonces,
  ) {}

  @MessagePattern(subjects.authKeysLookup, { queue: queues.auth })
  lookup(@Payload() request: Partial<KeyLookupRequest> | null): Promise<Reply<KeyLookupReply>> {
    return replyFrom(() => this.lookups.lookup(request), this.logger);
  }

  @MessagePattern(subjects.authOAuth1NoncesClaim, { queue: queues.auth })
  claimNonce(@Payload() request: unknown): Promise<Reply<OAuth1NonceClaimReply>> {
    return replyFrom(() => this.nonces.claim(request), this.logger);
  }

  @MessagePattern(subjects.authOAuth1ConsumersCreate, { queue: queues.auth })
  createConsumer(@Payload() request: Partial<OAuth1ConsumerCreateRequest> | null): Promise<Reply<OAuth1Consumer>> {
    return replyFrom(() => this.oauth1.createConsumer(request), this.logger);
  }

  @MessagePattern(subjects.authOAuth1TokensCreate, { queue: queues.auth })
  createToken(@Payload() request: Partial<OAuth1TokenCreateRequest> | null): Promise<Reply<OAuth1TokenRecord>> {
    return replyFrom(() => this.oauth1.createToken(request), this.logger);
  }
}
