import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Opaque access tokens: the token itself is a random string, so the row is found by its SHA-256
 * (`token_hash`, null for JWTs, which are found by `jti`), and it must hold what a JWT carries in its
 * claims: the policies (`policy_ids`). An opaque token is signed by no key, so `kid` may be null.
 */
export class OpaqueAccessTokens1764100000000 implements MigrationInterface {
  name = 'OpaqueAccessTokens1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens ADD COLUMN token_hash bytea NULL`);
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens ADD COLUMN policy_ids jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens ALTER COLUMN kid DROP NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX access_tokens_token_hash_idx ON ${schema}.access_tokens (token_hash) WHERE token_hash IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DELETE FROM ${schema}.access_tokens WHERE kid IS NULL`);
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens ALTER COLUMN kid SET NOT NULL`);
    await queryRunner.query(`DROP INDEX ${schema}.access_tokens_token_hash_idx`);
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens DROP COLUMN policy_ids`);
    await queryRunner.query(`ALTER TABLE ${schema}.access_tokens DROP COLUMN token_hash`);
  }
}
