import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An OAuth 1.0a consumer (RFC 5849 §1.1 "client credentials"). */
@Entity({ name: 'oauth1_consumers' })
export class OAuth1ConsumerRecord {
  @PrimaryColumn({ name: 'consumer_key', type: 'text' })
  consumerKey!: string;

  /** Sealed: HMAC signatures are keyed with the secret itself, so a hash would not do. */
  @Column({ name: 'secret_encrypted', type: 'text' })
  secretEncrypted!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'org_id', type: 'text' })
  orgId!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
