import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OAuth 1.0a nonces spent by any gateway (RFC 5849 §3.3: unique per consumer, token and timestamp),
 * each kept until its timestamp leaves the window; then no gateway would accept the request anyway.
 */
export class CreateOAuth1Nonces1764200000000 implements MigrationInterface {
  name = 'CreateOAuth1Nonces1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.oauth1_nonces (
        consumer_key text NOT NULL,
        token text NOT NULL,
        "timestamp" bigint NOT NULL,
        nonce text NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT oauth1_nonces_pkey PRIMARY KEY (consumer_key, token, "timestamp", nonce)
      )`);
    await queryRunner.query(`CREATE INDEX oauth1_nonces_expires_idx ON ${schema}.oauth1_nonces (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.oauth1_nonces`);
  }
}
