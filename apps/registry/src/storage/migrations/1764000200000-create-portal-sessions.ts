import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Developer portal sessions: the hash of the cookie's id, whose developer, until when (after the portal core's developers). */
export class CreatePortalSessions1764000200000 implements MigrationInterface {
  name = 'CreatePortalSessions1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.portal_sessions (
        id_hash text NOT NULL,
        developer_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT portal_sessions_pkey PRIMARY KEY (id_hash),
        -- A deleted developer's sessions go with them.
        CONSTRAINT portal_sessions_developer_fkey FOREIGN KEY (developer_id) REFERENCES ${schema}.developers (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX portal_sessions_developer_idx ON ${schema}.portal_sessions (developer_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.portal_sessions`);
  }
}
