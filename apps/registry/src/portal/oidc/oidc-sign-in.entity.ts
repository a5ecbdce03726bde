import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Which pages a sign-in started from, and so which callback may complete it. */
export type OidcSignInPurpose = 'portal' | 'console';

/** A sign-in through an OpenID Provider under way: what its callback needs, used once. */
@Entity({ name: 'oidc_sign_ins' })
export class OidcSignInRecord {
  /** SHA-256 of the state, hex. */
  @PrimaryColumn({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  @Column({ type: 'text' })
  purpose!: OidcSignInPurpose;

  @Column({ type: 'text' })
  nonce!: string;

  /** The PKCE code_verifier (RFC 7636 §4.1). */
  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  /** The page to land on once signed in (already checked by the pages' safeNext). */
  @Column({ type: 'text' })
  next!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
