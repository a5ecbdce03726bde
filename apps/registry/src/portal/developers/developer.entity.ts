import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { DeveloperStatus } from '../portal-types.js';

/** A developer account of the portal. The password is kept only as its scrypt hash. */
@Entity({ name: 'developers' })
export class DeveloperRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** Trimmed and lower-cased, so one address is one account whatever its spelling. */
  @Column({ type: 'text', unique: true })
  email!: string;

  /**
   * `scrypt$N$r$p$salt$hash` (see libs/http/src/password-hash.ts); null for an account made by signing
   * in through the OpenID Provider, which has no password until the admin's reset link sets one.
   */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Column({ type: 'text' })
  status!: DeveloperStatus;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
