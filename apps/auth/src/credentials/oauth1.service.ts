import { Injectable } from '@nestjs/common';
import type { OAuth1Consumer, OAuth1ConsumerCreateRequest, OAuth1TokenCreateRequest, OAuth1TokenRecord } from '@portcullis/contracts';
import { PortcullisError, type ErrorDetail } from '@portcullis/errors';
import { randomBytes } from 'node:crypto';
import { ApiKeysService, secretBinding } from '../api-keys/api-keys.service.js';
import { CredentialSealer } from '../api-keys/credential-sealer.js';
import { hashKey, newKey } from '../api-keys/key-material.js';
import { prepareSession, withPolicyExpiry } from '../api-keys/session-input.js';
import { OAuth1ConsumerStore } from '../storage/oauth1-store.js';

export const consumerBinding = (consumerKey: string) => `oauth1-consumer:${consumerKey}`;

/**
 * OAuth 1.0a credentials (RFC 5849) issued through the admin API: consumers (client credentials) and,
 * for a consumer, token credentials that carry a session like any key. Both secrets are shown once
 * and kept sealed: the gateway needs them back to check HMAC-SHA1/SHA256 signatures.
 */
@Injectable()
export class OAuth1Credentials {
  constructor(
    private readonly consumers: OAuth1ConsumerStore,
    private readonly keys: ApiKeysService,
    private readonly sealer: CredentialSealer,
  ) {}

  async createConsumer(request: Partial<OAuth1ConsumerCreateRequest> | null | undefined): Promise<OAuth1Consumer> {
    const problems: ErrorDetail[] = [];
    const name = optionalText(request?.name, 'name', problems);
    const orgId = optionalText(request?.org_id, 'org_id', problems);
    if (problems.length > 0) throw new PortcullisError('validation_failed', undefined, problems);
    const consumerKey = randomBytes(16).toString('hex');
    const consumerSecret = randomBytes(32).toString('base64url');
    const createdAt = new Date();
    await this.consumers.insert({
      consumerKey,
      secretEncrypted: this.sealer.seal(consumerSecret, consumerBinding(consumerKey)),
      name,
      orgId,
      createdAt,
    });
    return { consumer_key: consumerKey, consumer_secret: consumerSecret, name, org_id: orgId, created_at: createdAt.toISOString() };
  }

  async createToken(request: Partial<OAuth1TokenCreateRequest> | null | undefined): Promise<OAuth1TokenRecord> {
    const consumerKey = request?.consumer_key;
    if (typeof consumerKey !== 'string' || consumerKey.length === 0) {
      throw new PortcullisError('validation_failed', undefined, [{ field: 'consumer_key', message: 'is required' }]);
    }
    const prepared = prepareSession(request?.session, false);
    if (prepared.kind !== 'key') {
      const field = prepared.kind === 'hmac' ? 'session.hmac_enabled' : 'session.basic_auth_data';
      throw new PortcullisError('validation_failed', undefined, [{ field, message: 'cannot be set on an OAuth 1.0a token' }]);
    }
    const session = withPolicyExpiry(prepared.session, request?.key_expires_in, Math.floor(Date.now() / 1000));
    if (!(await this.consumers.exists(consumerKey))) {
      throw new PortcullisError('not_found', 'No such OAuth 1.0a consumer', [{ field: 'consumer_key', message: 'is unknown' }]);
    }
    const token = newKey();
    const tokenSecret = randomBytes(32).toString('base64url');
    const keyHash = hashKey(token);
    // A consumer deleted meanwhile fails the foreign key: a 500 for a race no admin will hit twice.
    await this.keys.insert({
      key: token,
      kind: 'oauth1',
      session,
      passwordHash: null,
      secretEncrypted: this.sealer.seal(tokenSecret, secretBinding('oauth1', keyHash)),
      consumerKey,
    });
    return { consumer_key: consumerKey, token, token_secret: tokenSecret, key_hash: keyHash, session };
  }
}

function optionalText(value: unknown, field: string, problems: ErrorDetail[]): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' && value.length <= 256) return value;
  problems.push({ field, message: 'must be a string of at most 256 characters' });
  return '';
}
