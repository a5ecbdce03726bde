import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A user's login session at the auth service (OIDC Core §3.1.2.3: the OP authenticates the user once
 * and may rely on that later). The browser holds a random token in a cookie; only its SHA-256 is kept.
 */
@Entity({ name: 'login_sessions' })
export class LoginSessionRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  /** The user's id (the ID Token's `sub`). */
  @Column({ type: 'text' })
  sub!: string;

  /** When the user entered the password this session stands for (the ID Token's `auth_time`). */
  @Column({ name: 'auth_time', type: 'timestamptz' })
  authTime!: Date;

  /** How the user signed in (RFC 8176 values, space-separated). */
  @Column({ type: 'text' })
  amr!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
