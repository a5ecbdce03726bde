import { Column, Entity, PrimaryColumn } from 'typeorm';

/** What a user approved for a client: the scopes, remembered until an admin revokes them. */
@Entity({ name: 'consents' })
export class ConsentRecord {
  @PrimaryColumn({ type: 'text' })
  sub!: string;

  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  /** Every scope the user approved for this client, space-separated and sorted. */
  @Column({ type: 'text' })
  scope!: string;

  @Column({ name: 'granted_at', type: 'timestamptz' })
  grantedAt!: Date;
}
