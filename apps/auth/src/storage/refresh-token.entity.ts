import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestedClaims } from '../claims/claims-request.js';

/** An opaque refresh token, by the SHA-256 of its value. */
@Entity({ name: 'refresh_tokens' })
export class RefreshTokenRecord {
  @PrimaryColumn({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'api_ids', type: 'jsonb' })
  apiIds!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  /** Set when it was exchanged: a second use is a replay (RFC 9700 §4.14.2). */
  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** When the user signed in (OIDC `auth_time`); null when nobody signed in here. */
  @Column({ name: 'auth_time', type: 'timestamptz', nullable: true })
  authTime!: Date | null;

  /** The claims the authorization request asked for by name (OIDC Core §5.5); null without a `claims` parameter. */
  @Column({ type: 'jsonb', nullable: true })
  claims!: RequestedClaims | null;
}
