import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed portal logins per account, for the login throttle: shared by every registry replica and
 * kept across restarts, so neither more replicas nor a restart buy an attacker more guesses.
 */
export class CreatePortalLoginFailures1764000400000 implements MigrationInterface {
  name = 'CreatePortalLoginFailures1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    // Keyed by the SHA-256 of the normalised email: attempts on emails nobody has are counted too
    // (or the throttle would tell which emails exist), and those are not worth keeping in clear.
    await queryRunner.query(`
      CREATE TABLE ${schema}.portal_login_failures (
        account_hash text NOT NULL,
        failures integer NOT NULL,
        first_failure_at timestamptz NOT NULL,
        locked_until timestamptz,
        CONSTRAINT portal_login_failures_pkey PRIMARY KEY (account_hash)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.portal_login_failures`);
  }
}
