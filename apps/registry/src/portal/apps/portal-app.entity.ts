import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CredentialKind } from '../portal-types.js';

/**
 * A developer's app: the reference to the one credential it holds (never the secret itself). The
 * kind is copied from the catalogue entry at creation, so a later change of the entry does not
 * leave an app unable to revoke what it was given.
 */
@Entity({ name: 'portal_apps' })
export class PortalAppRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'developer_id', type: 'uuid' })
  developerId!: string;

  @Column({ name: 'entry_id', type: 'uuid' })
  entryId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: CredentialKind;

  /** api_key: the key's SHA-256 as the auth service knows it. */
  @Column({ name: 'key_hash', type: 'text', nullable: true })
  keyHash!: string | null;

  /** oauth_client: our auth service's client; external_dcr: the provider's. */
  @Column({ name: 'client_id', type: 'text', nullable: true })
  clientId!: string | null;

  @Column({ name: 'provider_id', type: 'text', nullable: true })
  providerId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
