import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Resource-owner users (built-in login page, password grant) and dynamic client registration:
 * RFC 7591 initial access tokens and RFC 7592 registration access tokens, both stored only as SHA-256.
 */
export class CreateUsersAndRegistration1732360000000 implements MigrationInterface {
  name = 'CreateUsersAndRegistration1732360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.users (
        id uuid NOT NULL,
        username text NOT NULL,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled boolean NOT NULL DEFAULT false,
        CONSTRAINT users_pkey PRIMARY KEY (id),
        CONSTRAINT users_username_key UNIQUE (username)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.initial_access_tokens (
        id uuid NOT NULL,
        token_hash text NOT NULL,
        expires_at timestamptz NOT NULL,
        uses_left integer NOT NULL,
        api_ids text[] NOT NULL DEFAULT '{}',
        policy_ids text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT initial_access_tokens_pkey PRIMARY KEY (id),
        CONSTRAINT initial_access_tokens_token_hash_key UNIQUE (token_hash),
        CONSTRAINT initial_access_tokens_uses_left_check CHECK (uses_left >= 0)
      )`);
    // One row per dynamically registered client; the client itself lives with the other clients.
    await queryRunner.query(`
      CREATE TABLE ${schema}.client_registrations (
        client_id text NOT NULL,
        registration_token_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT client_registrations_pkey PRIMARY KEY (client_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.client_registrations`);
    await queryRunner.query(`DROP TABLE ${schema}.initial_access_tokens`);
    await queryRunner.query(`DROP TABLE ${schema}.users`);
  }
}
