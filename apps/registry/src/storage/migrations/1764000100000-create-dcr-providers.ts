import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Developer portal DCR: the external providers, the clients registered there (RFC 7592 handles,
 * sealed), and the bindings of those clients to policies (versioned like APIs and policies).
 */
export class CreateDcrProviders1764000100000 implements MigrationInterface {
  name = 'CreateDcrProviders1764000100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.dcr_providers (
        id uuid NOT NULL,
        name text NOT NULL,
        discovery_url text NOT NULL,
        issuer text NOT NULL,
        registration_endpoint text NOT NULL,
        token_endpoint text NOT NULL,
        jwks_uri text NOT NULL,
        initial_access_token text,
        grant_types jsonb NOT NULL,
        response_types jsonb NOT NULL,
        token_endpoint_auth_method text NOT NULL,
        scope text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT dcr_providers_pkey PRIMARY KEY (id)
      )`);
    // RESTRICT: a provider with registered clients cannot go, or those clients could never be deleted.
    await queryRunner.query(`
      CREATE TABLE ${schema}.external_registrations (
        app_id text NOT NULL,
        provider_id uuid NOT NULL,
        issuer text NOT NULL,
        client_id text NOT NULL,
        registration_client_uri text NOT NULL,
        registration_access_token text NOT NULL,
        token_endpoint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT external_registrations_pkey PRIMARY KEY (app_id),
        CONSTRAINT external_registrations_provider_fkey FOREIGN KEY (provider_id) REFERENCES ${schema}.dcr_providers (id) ON DELETE RESTRICT
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.client_bindings (
        issuer text NOT NULL,
        client_id text NOT NULL,
        api_id text NOT NULL,
        policy_ids jsonb NOT NULL,
        app_id text NOT NULL,
        revision bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT client_bindings_pkey PRIMARY KEY (issuer, client_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.client_bindings`);
    await queryRunner.query(`DROP TABLE ${schema}.external_registrations`);
    await queryRunner.query(`DROP TABLE ${schema}.dcr_providers`);
  }
}
