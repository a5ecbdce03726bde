import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login sessions (the auth service's cookie, by the SHA-256 of its token) and remembered consents,
 * so a second authorization request signs the user in without a password or a consent page.
 */
export class LoginSessionsAndConsents1764500000000 implements MigrationInterface {
  name = 'LoginSessionsAndConsents1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.login_sessions (
        id uuid NOT NULL,
        token_hash bytea NOT NULL,
        sub text NOT NULL,
        auth_time timestamptz NOT NULL,
        amr text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        CONSTRAINT login_sessions_pkey PRIMARY KEY (id),
        CONSTRAINT login_sessions_token_hash_key UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX login_sessions_sub_idx ON ${schema}.login_sessions (sub)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.consents (
        sub text NOT NULL,
        client_id text NOT NULL,
        scope text NOT NULL,
        granted_at timestamptz NOT NULL,
        CONSTRAINT consents_pkey PRIMARY KEY (sub, client_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.consents`);
    await queryRunner.query(`DROP TABLE ${schema}.login_sessions`);
  }
}
