import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestedClaims } from '../claims/claims-request.js';

/** An authorization code, by the SHA-256 of its value; single use, short-lived. */
@Entity({ name: 'authorization_codes' })
export class AuthorizationCodeRecord {
  @PrimaryColumn({ name: 'code_hash', type: 'bytea' })
  codeHash!: Buffer;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri!: string;

  @Column({ type: 'text' })
  scope!: string;

  @Column({ type: 'text' })
  sub!: string;

  @Column({ name: 'api_id', type: 'text', nullable: true })
  apiId!: string | null;

  @Column({ type: 'text', nullable: true })
  nonce!: string | null;

  /** When the user signed in (OIDC `auth_time`); null when nobody signed in here. */
  @Column({ name: 'auth_time', type: 'timestamptz', nullable: true })
  authTime!: Date | null;

  /** The claims the authorization request asked for by name (OIDC Core §5.5); null without a `claims` parameter. */
  @Column({ type: 'jsonb', nullable: true })
  claims!: RequestedClaims | null;

  @Column({ name: 'code_challenge', type: 'text', nullable: true })
  codeChallenge!: string | null;

  @Column({ name: 'code_challenge_method', type: 'text', nullable: true })
  codeChallengeMethod!: string | null;

  /** The family the tokens issued for this code belong to: a replayed code revokes it. */
  @Column({ name: 'family_id', type: 'uuid' })
  familyId!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
