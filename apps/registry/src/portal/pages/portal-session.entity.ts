import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A logged-in developer's session. The cookie holds a random id; only its SHA-256 is stored. */
@Entity({ name: 'portal_sessions' })
export class PortalSessionRecord {
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash!: string;

  @Index('portal_sessions_developer_idx')
  @Column({ name: 'developer_id', type: 'uuid' })
  developerId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
