import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A sign-in through the OpenID Provider under way: what its callback needs, used once. */
@Entity({ name: 'portal_oidc_sign_ins' })
export class OidcSignInRecord {
  /** SHA-256 of the state, hex. */
  @PrimaryColumn({ name: 'state_hash', type: 'text' })
  stateHash!: string;

  @Column({ type: 'text' })
  nonce!: string;

  /** The PKCE code_verifier (RFC 7636 §4.1). */
  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier!: string;

  /** The portal page to land on once signed in (already checked by safeNext). */
  @Column({ type: 'text' })
  next!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
