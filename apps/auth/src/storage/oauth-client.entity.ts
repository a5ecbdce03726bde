import type { OAuthClientInput } from '@portcullis/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a client row keeps besides its id and secret hash: the validated metadata, as validated. */
export type ClientMetadata = Omit<OAuthClientInput, 'client_id' | 'client_secret'>;

@Entity({ name: 'oauth_clients' })
export class OAuthClientRecord {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  /** SHA-256 of the secret; null for public clients (token_endpoint_auth_method none). */
  @Column({ name: 'secret_hash', type: 'bytea', nullable: true })
  secretHash!: Buffer | null;

  @Column({ type: 'jsonb' })
  metadata!: ClientMetadata;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
