import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect ID Tokens say when the user signed in (`auth_time`), on the first issuance and on
 * every refresh after it: the authorization code carries it to the token endpoint, the refresh token
 * keeps it for the refreshes. Null where nobody signed in here (a code approved over the bus).
 */
export class OpenIdAuthTime1764400000000 implements MigrationInterface {
  name = 'OpenIdAuthTime1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.authorization_codes ADD COLUMN auth_time timestamptz NULL`);
    await queryRunner.query(`ALTER TABLE ${schema}.refresh_tokens ADD COLUMN auth_time timestamptz NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.refresh_tokens DROP COLUMN auth_time`);
    await queryRunner.query(`ALTER TABLE ${schema}.authorization_codes DROP COLUMN auth_time`);
  }
}
