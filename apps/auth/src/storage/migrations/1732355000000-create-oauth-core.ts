import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Clients, the access tokens issued (so they can be listed and revoked), refresh tokens and
 * authorization codes. Secrets, refresh tokens and codes are stored only as SHA-256 hashes.
 * `family_id` ties every token issued from one grant (a code and the refresh chain after it), so a
 * replayed refresh token or code can revoke the whole family (RFC 9700 §4.14.2, RFC 6749 §4.1.2).
 * `kid` on access tokens keeps a retired signing key published until the last token it signed expires.
 */
export class CreateOAuthCore1732355000000 implements MigrationInterface {
  name = 'CreateOAuthCore1732355000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.oauth_clients (
        client_id text NOT NULL,
        secret_hash bytea NULL,
        metadata jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oauth_clients_pkey PRIMARY KEY (client_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.access_tokens (
        jti text NOT NULL,
        client_id text NOT NULL,
        sub text NOT NULL,
        scope text NOT NULL,
        api_ids jsonb NOT NULL,
        kid text NOT NULL,
        family_id uuid NULL,
        iat timestamptz NOT NULL,
        exp timestamptz NOT NULL,
        revoked_at timestamptz NULL,
        CONSTRAINT access_tokens_pkey PRIMARY KEY (jti)
      )`);
    await queryRunner.query(`CREATE INDEX access_tokens_client_idx ON ${schema}.access_tokens (client_id, exp)`);
    await queryRunner.query(`CREATE INDEX access_tokens_family_idx ON ${schema}.access_tokens (family_id) WHERE family_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX access_tokens_kid_idx ON ${schema}.access_tokens (kid, exp)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.refresh_tokens (
        token_hash bytea NOT NULL,
        family_id uuid NOT NULL,
        client_id text NOT NULL,
        sub text NOT NULL,
        scope text NOT NULL,
        api_ids jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL,
        revoked_at timestamptz NULL,
        CONSTRAINT refresh_tokens_pkey PRIMARY KEY (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_family_idx ON ${schema}.refresh_tokens (family_id)`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_client_idx ON ${schema}.refresh_tokens (client_id)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.authorization_codes (
        code_hash bytea NOT NULL,
        client_id text NOT NULL,
        redirect_uri text NOT NULL,
        scope text NOT NULL,
        sub text NOT NULL,
        api_id text NULL,
        nonce text NULL,
        code_challenge text NULL,
        code_challenge_method text NULL,
        family_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz NULL,
        CONSTRAINT authorization_codes_pkey PRIMARY KEY (code_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens', 'oauth_clients']) {
      await queryRunner.query(`DROP TABLE ${schema}.${table}`);
    }
  }
}
