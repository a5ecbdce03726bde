import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys with their sessions (plain, basic-auth, HMAC and OAuth 1.0a token credentials), OAuth 1.0a
 * consumers, and durable quota counters. Keys are stored only as their SHA-256; passwords only as a
 * scrypt hash; the secrets signatures are checked with (HMAC, OAuth 1.0a) sealed with AES-256-GCM.
 */
export class CreateApiKeysAndQuotas1763950000000 implements MigrationInterface {
  name = 'CreateApiKeysAndQuotas1763950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.oauth1_consumers (
        consumer_key text NOT NULL,
        secret_encrypted text NOT NULL,
        name text NOT NULL DEFAULT '',
        org_id text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT oauth1_consumers_pkey PRIMARY KEY (consumer_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.api_keys (
        key_hash text NOT NULL,
        kind text NOT NULL,
        session jsonb NOT NULL,
        org_id text NOT NULL DEFAULT '',
        password_hash text NULL,
        secret_encrypted text NULL,
        consumer_key text NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NULL,
        CONSTRAINT api_keys_pkey PRIMARY KEY (key_hash),
        CONSTRAINT api_keys_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'),
        CONSTRAINT api_keys_kind_check CHECK (
          (kind = 'key' AND password_hash IS NULL AND secret_encrypted IS NULL AND consumer_key IS NULL)
          OR (kind = 'basic' AND password_hash IS NOT NULL AND secret_encrypted IS NULL AND consumer_key IS NULL)
          OR (kind = 'hmac' AND password_hash IS NULL AND secret_encrypted IS NOT NULL AND consumer_key IS NULL)
          OR (kind = 'oauth1' AND password_hash IS NULL AND secret_encrypted IS NOT NULL AND consumer_key IS NOT NULL)),
        CONSTRAINT api_keys_consumer_key_fkey FOREIGN KEY (consumer_key) REFERENCES ${schema}.oauth1_consumers (consumer_key) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_consumer_key_idx ON ${schema}.api_keys (consumer_key) WHERE consumer_key IS NOT NULL`);
    // One row per identity: a lease locks it, so counting is exact however many replicas lease at once.
    await queryRunner.query(`
      CREATE TABLE ${schema}.quota_usage (
        identity text NOT NULL,
        used bigint NOT NULL,
        granted bigint NOT NULL,
        period_start timestamptz NOT NULL,
        renews_at timestamptz NULL,
        CONSTRAINT quota_usage_pkey PRIMARY KEY (identity),
        CONSTRAINT quota_usage_used_check CHECK (used >= 0 AND granted >= 0)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.quota_usage`);
    await queryRunner.query(`DROP TABLE ${schema}.api_keys`);
    await queryRunner.query(`DROP TABLE ${schema}.oauth1_consumers`);
  }
}
