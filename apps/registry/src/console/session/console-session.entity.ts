import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signed-in operator's console session. The cookie holds a random id; only its SHA-256 is stored. */
@Entity({ name: 'console_sessions' })
export class ConsoleSessionRecord {
  @PrimaryColumn({ name: 'id_hash', type: 'text' })
  idHash!: string;

  /** Who signed in: `admin-secret`, or `oidc:` and the provider's subject. */
  @Column({ name: 'operator', type: 'text' })
  operator!: string;

  /** What the pages call them: "admin secret holder", or the provider's email. */
  @Column({ name: 'display_name', type: 'text' })
  displayName!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
