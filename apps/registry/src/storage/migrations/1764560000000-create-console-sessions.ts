import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The operator console: its sessions (the hash of the cookie's id) and its sign-in throttle per client address. */
export class CreateConsoleSessions1764560000000 implements MigrationInterface {
  name = 'CreateConsoleSessions1764560000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.console_sessions (
        id_hash text NOT NULL,
        operator text NOT NULL,
        display_name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        CONSTRAINT console_sessions_pkey PRIMARY KEY (id_hash)
      )`);
    // The shape FailureThrottle expects (as portal_login_failures).
    await queryRunner.query(`
      CREATE TABLE ${schema}.console_sign_in_failures (
        account_hash text NOT NULL,
        failures integer NOT NULL,
        first_failure_at timestamptz NOT NULL,
        locked_until timestamptz,
        CONSTRAINT console_sign_in_failures_pkey PRIMARY KEY (account_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.console_sign_in_failures`);
    await queryRunner.query(`DROP TABLE ${schema}.console_sessions`);
  }
}
