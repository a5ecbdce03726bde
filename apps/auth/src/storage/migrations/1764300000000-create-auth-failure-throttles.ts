import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Failed logins per username and failed client authentications per client_id, for the brute-force
 * throttles (`FailureThrottle`): shared by every auth replica and kept across restarts, so neither
 * more replicas nor a restart buy a guesser more attempts. Keyed by the SHA-256 of the account:
 * attempts on accounts nobody has are counted too, and those are not worth keeping in clear.
 */
export class CreateAuthFailureThrottles1764300000000 implements MigrationInterface {
  name = 'CreateAuthFailureThrottles1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    for (const table of ['user_login_failures', 'client_auth_failures']) {
      await queryRunner.query(`
        CREATE TABLE ${schema}.${table} (
          account_hash text NOT NULL,
          failures integer NOT NULL,
          first_failure_at timestamptz NOT NULL,
          locked_until timestamptz,
          CONSTRAINT ${table}_pkey PRIMARY KEY (account_hash)
        )`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.client_auth_failures`);
    await queryRunner.query(`DROP TABLE ${schema}.user_login_failures`);
  }
}
