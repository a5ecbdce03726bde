import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A client the portal registered for one app: what RFC 7592 needs to change or delete it. */
@Entity({ name: 'external_registrations' })
export class ExternalRegistrationRecord {
  @PrimaryColumn({ name: 'app_id', type: 'text' })
  appId!: string;

  @Column({ name: 'provider_id', type: 'uuid' })
  providerId!: string;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId!: string;

  @Column({ name: 'registration_client_uri', type: 'text' })
  registrationClientUri!: string;

  /** Sealed (AES-256-GCM, the app id as associated data): it can change or delete the client. */
  @Column({ name: 'registration_access_token', type: 'text' })
  registrationAccessToken!: string;

  @Column({ name: 'token_endpoint', type: 'text' })
  tokenEndpoint!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
