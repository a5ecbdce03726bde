import type { StandardClaims } from '@portcullis/domain';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'users' })
export class UserRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text', unique: true })
  username!: string;

  /** `scrypt$N$r$p$salt$hash`; see libs/http/src/password-hash.ts. */
  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'boolean' })
  disabled!: boolean;

  /** The OpenID Connect standard claims an admin set (validated by standardClaimsSchema); `{}` for none. */
  @Column({ type: 'jsonb' })
  claims!: StandardClaims;

  /** When the claims last changed (OIDC `updated_at`); the creation time until then. */
  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
