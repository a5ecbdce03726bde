import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 15: debug sessions, an admin's "keep every request of this caller as a request log until then".
 * The caller is an identity hash or an OAuth client, exactly one (never a credential: a key given to
 * the admin API is hashed before it is stored). Sessions are part of the configuration gateways load:
 * each write bumps the configuration revision, and the snapshot carries the ones not yet ended.
 */
export class CreateDebugSessions1764540100000 implements MigrationInterface {
  name = 'CreateDebugSessions1764540100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.analytics_debug_sessions (
        id text NOT NULL,
        identity text,
        oauth_client_id text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revision bigint NOT NULL,
        CONSTRAINT analytics_debug_sessions_pkey PRIMARY KEY (id),
        CONSTRAINT analytics_debug_sessions_one_caller CHECK ((identity IS NULL) <> (oauth_client_id IS NULL)),
        CONSTRAINT analytics_debug_sessions_ends_after_start CHECK (expires_at > created_at)
      )`);
    // The snapshot and the list read the sessions not yet ended.
    await queryRunner.query(`CREATE INDEX analytics_debug_sessions_expires_at_idx ON ${schema}.analytics_debug_sessions (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.analytics_debug_sessions`);
  }
}
