import { Injectable } from '@nestjs/common';
import type { KeyLookupKind, KeyLookupReply, KeyLookupRequest } from '@portcullis/contracts';
import type { Session } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { hashPassword, verifyPasswordHash } from '@portcullis/http';
import type { ApiKeyRecord } from '../storage/api-key.entity.js';
import { ApiKeysService, secretBinding } from '../api-keys/api-keys.service.js';
import { CredentialSealer } from '../api-keys/credential-sealer.js';
import { hashKey } from '../api-keys/key-material.js';
import { OAuth1ConsumerStore } from '../storage/oauth1-store.js';
import { consumerBinding } from './oauth1.service.js';

type Lookup = (request: KeyLookupRequest) => Promise<KeyLookupReply>;

const NOT_FOUND: KeyLookupReply = Object.freeze({ found: false }) as KeyLookupReply;
/** Presented credentials are attacker input: anything oversized is simply not found. */
const MAX_PRESENTED = 1024;

function presented(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_PRESENTED;
}

function found(row: ApiKeyRecord, secrets?: Record<string, string>): KeyLookupReply {
  const reply: KeyLookupReply = { found: true, key_hash: row.keyHash, session: row.session as Session };
  if (secrets) reply.secrets = secrets;
  return reply;
}

/**
 * Resolves what a gateway was presented to a session (`auth.keys.lookup`), one strategy per kind.
 * A credential is found only through its own kind: a basic-auth username, an HMAC keyId or an OAuth
 * 1.0a token is sent in the clear, so none of them works as a bearer key. Expired and inactive
 * sessions are returned too: the gateway tells 403 from 401. Passwords are checked here and never
 * leave; the secrets signatures are checked with do (the gateway verifies the signature).
 */
@Injectable()
export class CredentialLookup {
  /** Checked for unknown users so an answer takes as long whether or not the user exists. */
  private readonly dummyHash = hashPassword('portcullis: no such basic-auth user');
  private readonly strategies: ReadonlyMap<KeyLookupKind, Lookup> = new Map<KeyLookupKind, Lookup>([
    ['key', (request) => this.key(request)],
    ['basic', (request) => this.basic(request)],
    ['hmac', (request) => this.hmac(request)],
    ['oauth1', (request) => this.oauth1(request)],
  ]);

  constructor(
    private readonly consumers: OAuth1ConsumerStore,
    private readonly keys: ApiKeysService,
    private readonly sealer: CredentialSealer,
  ) {}

  lookup(request: Partial<KeyLookupRequest> | null | undefined): Promise<KeyLookupReply> {
    const strategy = this.strategies.get(request?.kind as KeyLookupKind);
    if (!strategy)
      throw new PortcullisError('validation_failed', undefined, [{ field: 'kind', message: `must be one of ${[...this.strategies.keys()].join(', ')}` }]);
    return strategy(request as KeyLookupRequest);
  }

  private async key(request: KeyLookupRequest): Promise<KeyLookupReply> {
    if (!presented(request.id)) return NOT_FOUND;
    const row = await this.keys.findByHash(hashKey(request.id));
    return row?.kind === 'key' ? found(row) : NOT_FOUND;
  }

  private async basic(request: KeyLookupRequest): Promise<KeyLookupReply> {
    const password = presented(request.password) ? request.password : '';
    const row = presented(request.id) ? await this.keys.findByHash(hashKey(request.id)) : null;
    const user = row?.kind === 'basic' && row.passwordHash ? row : null;
    // Always one scrypt: the reply time does not tell an unknown user from a wrong password.
    const matches = await verifyPasswordHash(password, user?.passwordHash ?? (await this.dummyHash));
    return user && matches && password !== '' ? found(user) : NOT_FOUND;
  }

  private async hmac(request: KeyLookupRequest): Promise<KeyLookupReply> {
    if (!presented(request.id)) return NOT_FOUND;
    const row = await this.keys.findByHash(hashKey(request.id));
    if (row?.kind !== 'hmac' || !row.secretEncrypted) return NOT_FOUND;
    return found(row, { hmac: this.sealer.open(row.secretEncrypted, secretBinding('hmac', row.keyHash)) });
  }

  private async oauth1(request: KeyLookupRequest): Promise<KeyLookupReply> {
    if (!presented(request.id) || !presented(request.token)) return NOT_FOUND;
    const row = await this.keys.findByHash(hashKey(request.token));
    if (row?.kind !== 'oauth1' || row.consumerKey !== request.id || !row.secretEncrypted) return NOT_FOUND;
    const consumer = await this.consumers.find(request.id);
    if (!consumer) return NOT_FOUND;
    return found(row, {
      consumer: this.sealer.open(consumer.secretEncrypted, consumerBinding(consumer.consumerKey)),
      token: this.sealer.open(row.secretEncrypted, secretBinding('oauth1', row.keyHash)),
    });
  }
}
