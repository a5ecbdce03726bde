import { Column, Entity, PrimaryColumn } from 'typeorm';

export type ApiKeyKind = 'key' | 'basic' | 'hmac' | 'oauth1';

/**
 * One credential and its session. `kind` decides how it may be presented: a basic-auth username,
 * an HMAC keyId or an OAuth 1.0a token travels in the clear, so none of them is accepted as a bearer key.
 */
@Entity({ name: 'api_keys' })
export class ApiKeyRecord {
  /** SHA-256 of the key (hex): the key itself is never stored. */
  @PrimaryColumn({ name: 'key_hash', type: 'text' })
  keyHash!: string;

  @Column({ type: 'text' })
  kind!: ApiKeyKind;

  /** The validated session without secrets (no password, no HMAC secret). */
  @Column({ type: 'jsonb' })
  session!: Record<string, unknown>;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  /** basic: `scrypt$...` (see users/password-hash.ts). */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  /** hmac: the shared secret; oauth1: the token secret. Sealed, see credential-sealer.ts. */
  @Column({ name: 'secret_encrypted', type: 'text', nullable: true })
  secretEncrypted!: string | null;

  /** oauth1: the consumer the token was issued to. */
  @Column({ name: 'consumer_key', type: 'text', nullable: true })
  consumerKey!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
