import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An external OpenID provider the portal registers clients at (RFC 7591), as discovered on save. */
@Entity({ name: 'dcr_providers' })
export class DcrProviderRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** What the admin gave: the issuer or its `/.well-known/openid-configuration` URL. */
  @Column({ name: 'discovery_url', type: 'text' })
  discoveryUrl!: string;

  @Column({ type: 'text' })
  issuer!: string;

  @Column({ name: 'registration_endpoint', type: 'text' })
  registrationEndpoint!: string;

  @Column({ name: 'token_endpoint', type: 'text' })
  tokenEndpoint!: string;

  @Column({ name: 'jwks_uri', type: 'text' })
  jwksUri!: string;

  /** RFC 7591 §3 initial access token, sealed (AES-256-GCM, the row id as associated data). */
  @Column({ name: 'initial_access_token', type: 'text', nullable: true })
  initialAccessToken!: string | null;

  @Column({ name: 'grant_types', type: 'jsonb' })
  grantTypes!: string[];

  @Column({ name: 'response_types', type: 'jsonb' })
  responseTypes!: string[];

  @Column({ name: 'token_endpoint_auth_method', type: 'text' })
  tokenEndpointAuthMethod!: string;

  /** Space-separated scopes to register the client with; null: the provider's default. */
  @Column({ type: 'text', nullable: true })
  scope!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
