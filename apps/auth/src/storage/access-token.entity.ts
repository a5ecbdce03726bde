import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { RequestedClaims } from '../claims/claims-request.js';

/** An issued access token, by its `jti`: never the token itself (an opaque one only as its SHA-256). */
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

  /** The signing key's id; null for an opaque token, which no key signs. */
  @Column({ type: 'text', nullable: true })
  kid!: string | null;

  /** SHA-256 of an opaque token (how it is found); null for a JWT, found by the `jti` it carries. */
  @Column({ name: 'token_hash', type: 'bytea', nullable: true })
  tokenHash!: Buffer | null;

  /** The policies the token carries (a JWT's `pol` claim; an opaque token has only this). */
  @Column({ name: 'policy_ids', type: 'jsonb' })
  policyIds!: string[];

  @Column({ name: 'family_id', type: 'uuid', nullable: true })
  familyId!: string | null;

  @Column({ type: 'timestamptz' })
  iat!: Date;

  @Column({ type: 'timestamptz' })
  exp!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /**
   * The claims the authorization request asked for by name (OIDC Core §5.5), for userinfo to answer;
   * null (or absent) for tokens of any other grant.
   */
  @Column({ type: 'jsonb', nullable: true })
  claims?: RequestedClaims | null;
}
