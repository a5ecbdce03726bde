import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CredentialKind } from '../portal-types.js';

/** An API offered in the developer portal, with the policy a developer's credentials get. */
@Entity({ name: 'catalogue_entries' })
export class CatalogueEntryRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'api_id', type: 'text' })
  apiId!: string;

  @Column({ name: 'policy_id', type: 'text' })
  policyId!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  /** Markdown, rendered by the portal pages. */
  @Column({ type: 'text' })
  documentation!: string;

  @Column({ type: 'jsonb', nullable: true })
  openapi!: Record<string, unknown> | null;

  @Column({ name: 'credential_kind', type: 'text' })
  credentialKind!: CredentialKind;

  @Column({ name: 'provider_id', type: 'uuid', nullable: true })
  providerId!: string | null;

  @Column({ type: 'boolean' })
  published!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
