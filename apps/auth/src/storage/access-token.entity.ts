import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An issued JWT access token, by its `jti`: never the token itself. */
@Entity({ name: 'access_tokens' })
export class AccessTokenRecord {
  @PrimaryColumn({ type: 'text' })
  jti!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'api_ids', type: 'jsonb' })
  apiIds!: string[];

  /** The signing key's id. */
  @Column({ type: 'text' })
  kid!: string;

  @Column({ name: 'family_id', type: 'uuid', nullable: true })
  familyId!: string | null;

  @Column({ type: 'timestamptz' })
  iat!: Date;

  @Column({ type: 'timestamptz' })
  exp!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
