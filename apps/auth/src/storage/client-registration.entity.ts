import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A dynamically registered client's RFC 7592 registration access token, by its SHA-256 (hex). */
@Entity({ name: 'client_registrations' })
export class ClientRegistrationRecord {
  @PrimaryColumn({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'registration_token_hash', type: 'text' })
  registrationTokenHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
