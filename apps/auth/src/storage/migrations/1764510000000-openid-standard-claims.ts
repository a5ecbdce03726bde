import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users hold the OpenID Connect standard claims (OIDC Core §5.1) as one validated JSON document, with
 * the time they last changed (`updated_at`, the creation time for existing users). The claims an
 * authorization request asks for by name (its `claims` parameter, §5.5) travel with its code, refresh
 * tokens and access tokens; null where none were asked for.
 */
export class OpenIdStandardClaims1764510000000 implements MigrationInterface {
  name = 'OpenIdStandardClaims1764510000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.users ADD COLUMN claims jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await queryRunner.query(`ALTER TABLE ${schema}.users ADD COLUMN updated_at timestamptz NULL`);
    await queryRunner.query(`UPDATE ${schema}.users SET updated_at = created_at`);
    await queryRunner.query(`ALTER TABLE ${schema}.users ALTER COLUMN updated_at SET NOT NULL`);
    for (const table of ['authorization_codes', 'refresh_tokens', 'access_tokens']) {
      await queryRunner.query(`ALTER TABLE ${schema}.${table} ADD COLUMN claims jsonb NULL`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    for (const table of ['access_tokens', 'refresh_tokens', 'authorization_codes']) {
      await queryRunner.query(`ALTER TABLE ${schema}.${table} DROP COLUMN claims`);
    }
    await queryRunner.query(`ALTER TABLE ${schema}.users DROP COLUMN updated_at`);
    await queryRunner.query(`ALTER TABLE ${schema}.users DROP COLUMN claims`);
  }
}
