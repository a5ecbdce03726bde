import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An admin-issued password reset link: only the SHA-256 of its token is kept; used once. */
@Entity({ name: 'developer_password_resets' })
export class PasswordResetRecord {
  /** SHA-256 of the token, hex: a leaked table opens no account. */
  @PrimaryColumn({ name: 'token_hash', type: 'text' })
  tokenHash!: string;

  @Column({ name: 'developer_id', type: 'uuid' })
  developerId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
