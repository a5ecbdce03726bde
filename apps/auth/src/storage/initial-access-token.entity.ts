import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An RFC 7591 initial access token, by the SHA-256 of its value (hex). */
@Entity({ name: 'initial_access_tokens' })
export class InitialAccessTokenRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'token_hash', type: 'text', unique: true })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'uses_left', type: 'integer' })
  usesLeft!: number;

  /** Given to every client registered with this token: a registering client cannot pick what it may call. */
  @Column({ name: 'api_ids', type: 'text', array: true })
  apiIds!: string[];

  @Column({ name: 'policy_ids', type: 'text', array: true })
  policyIds!: string[];

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
