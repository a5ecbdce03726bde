import { Injectable, Logger } from '@nestjs/common';
import { Bus } from '@portcullis/bus';
import { subjects, type ApiChange, type KeyRecord, type KeyRefRequest, type KeyWriteRequest } from '@portcullis/contracts';
import type { Session } from '@portcullis/domain';
import { PortcullisError } from '@portcullis/errors';
import { hashPassword } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { publishQuietly } from '../events/publish.js';
import { addedReferences, sessionReferences } from '../references/named-references.js';
import { RegistryReferences } from '../references/registry-references.js';
import { ApiKeyRecord, type ApiKeyKind } from '../storage/api-key.entity.js';
import { ApiKeyStore } from '../storage/api-key-store.js';
import { QuotaStore } from '../storage/quota-store.js';
import { CredentialSealer } from './credential-sealer.js';
import { checkChosenKey, hashKey, keyHashOf, newKey } from './key-material.js';
import { expiryOf, prepareSession, withPolicyExpiry } from './session-input.js';

/** The row fields a new credential is stored with (the service fills hash, times and org). */
export interface NewCredential {
  key: string;
  kind: ApiKeyKind;
  session: Session;
  passwordHash: string | null;
  secretEncrypted: string | null;
  consumerKey: string | null;
}

/** What sealed an HMAC secret or OAuth 1.0a token secret belongs to (the associated data). */
export const secretBinding = (kind: 'hmac' | 'oauth1', keyHash: string) => `${kind}:${keyHash}`;

/** An HMAC shared secret: 256 random bits, base64url. */
function newHmacSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Tyk's keys: a key with its session, administered by the gateway's /tyk/keys (and the registry's
 * admin API) over the bus. Keys are shown once; afterwards their SHA-256 names them. Every change is
 * announced (`auth.key.changed`) so gateways drop what they cached for the key.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    private readonly store: ApiKeyStore,
    private readonly quotas: QuotaStore,
    private readonly sealer: CredentialSealer,
    private readonly bus: Bus,
    private readonly references: RegistryReferences,
  ) {}

  async create(request: Partial<KeyWriteRequest> | null | undefined): Promise<KeyRecord> {
    const prepared = prepareSession(request?.session, false);
    const session = withPolicyExpiry(prepared.session, request?.key_expires_in, Math.floor(Date.now() / 1000));
    const key = request?.key === undefined ? newKey() : checkChosenKey(request.key, prepared.kind === 'basic');
    const keyHash = hashKey(key);
    const hmacSecret = prepared.kind === 'hmac' ? newHmacSecret() : undefined;
    await this.insert({
      key,
      kind: prepared.kind,
      session,
      passwordHash: prepared.password === undefined ? null : await hashPassword(prepared.password),
      secretEncrypted: hmacSecret === undefined ? null : this.sealer.seal(hmacSecret, secretBinding('hmac', keyHash)),
      consumerKey: null,
    });
    const record: KeyRecord = { key, key_hash: keyHash, session };
    if (hmacSecret !== undefined) record.hmac_string = hmacSecret;
    return record;
  }

  /**
   * Stores a new credential of any kind (key, basic, HMAC, OAuth 1.0a token) and announces it; one
   * naming a policy or API that does not exist is a 400, a key that exists already a 409.
   */
  async insert(credential: NewCredential): Promise<string> {
    await this.references.requireExisting(sessionReferences(credential.session));
    const keyHash = hashKey(credential.key);
    const now = new Date();
    const row: ApiKeyRecord = {
      keyHash,
      kind: credential.kind,
      session: credential.session as Record<string, unknown>,
      orgId: credential.session.org_id,
      passwordHash: credential.passwordHash,
      secretEncrypted: credential.secretEncrypted,
      consumerKey: credential.consumerKey,
      createdAt: now,
      updatedAt: now,
      expiresAt: expiryOf(credential.session),
    };
    if (!(await this.store.insert(row))) throw new PortcullisError('conflict', 'This key already exists', [{ field: 'key', message: 'is taken' }]);
    await this.changed(keyHash, 'created');
    return keyHash;
  }

  async get(request: KeyRefRequest): Promise<KeyRecord> {
    const row = await this.stored(keyHashOf(request));
    return { key_hash: row.keyHash, session: row.session as Session };
  }

  async list(): Promise<KeyRecord[]> {
    const rows = await this.store.list();
    return rows.map((row) => ({ key_hash: row.keyHash, session: row.session as Session }));
  }

  /**
   * Replaces the session. The kind follows it where that is safe: a plain key may turn HMAC (its
   * secret is generated and shown in this reply) or back; a basic-auth key stays one (its password
   * is kept unless a new one is given); an OAuth 1.0a token takes neither.
   */
  async update(request: KeyRefRequest & Partial<KeyWriteRequest>): Promise<KeyRecord> {
    const keyHash = keyHashOf(request);
    const existing = await this.stored(keyHash);
    const prepared = prepareSession(request?.session, existing.kind === 'basic');
    if (existing.kind === 'oauth1' && prepared.kind !== 'key') {
      const field = prepared.kind === 'hmac' ? 'hmac_enabled' : 'basic_auth_data';
      throw new PortcullisError('validation_failed', undefined, [{ field, message: 'cannot be set on an OAuth 1.0a token' }]);
    }
    await this.references.requireExisting(addedReferences(sessionReferences(prepared.session), sessionReferences(existing.session as Session)));
    const kind: ApiKeyKind = existing.kind === 'oauth1' ? 'oauth1' : prepared.kind;
    let hmacSecret: string | undefined;
    let secretEncrypted = existing.secretEncrypted;
    if (kind === 'hmac' && existing.kind !== 'hmac') {
      hmacSecret = newHmacSecret();
      secretEncrypted = this.sealer.seal(hmacSecret, secretBinding('hmac', keyHash));
    } else if (kind === 'key' || kind === 'basic') {
      secretEncrypted = null;
    }
    const passwordHash = kind !== 'basic' ? null : prepared.password !== undefined ? await hashPassword(prepared.password) : existing.passwordHash;
    const updated = await this.store.update(keyHash, {
      kind,
      session: prepared.session as Record<string, unknown>,
      orgId: prepared.session.org_id,
      passwordHash,
      secretEncrypted,
      updatedAt: new Date(),
      expiresAt: expiryOf(prepared.session),
    });
    if (!updated) throw notFound();
    await this.changed(keyHash, 'updated');
    const record: KeyRecord = { key_hash: keyHash, session: prepared.session };
    if (hmacSecret !== undefined) record.hmac_string = hmacSecret;
    return record;
  }

  /** Deletes the key, and its quota counter with it (a key made again with the same value starts afresh). */
  async delete(request: KeyRefRequest): Promise<{ key_hash: string }> {
    const keyHash = keyHashOf(request);
    if (!(await this.store.delete(keyHash))) throw notFound();
    await this.quotas.forget(keyHash);
    await this.changed(keyHash, 'deleted');
    return { key_hash: keyHash };
  }

  /** The stored row, secrets sealed or hashed, for credential lookups. */
  findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    return this.store.findByHash(keyHash);
  }

  private async stored(keyHash: string): Promise<ApiKeyRecord> {
    const row = await this.findByHash(keyHash);
    if (!row) throw notFound();
    return row;
  }

  private changed(keyHash: string, change: ApiChange): Promise<void> {
    return publishQuietly(this.bus, subjects.authKeyChanged, { key_hash: keyHash, change }, this.logger);
  }
}

/** The key is not echoed: a 404 must not repeat a credential into logs or responses. */
function notFound(): PortcullisError {
  return new PortcullisError('not_found', 'No such key');
}
