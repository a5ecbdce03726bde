import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The keys the auth service signs access tokens with (ES256 by default). The private key is kept
 * encrypted; retired keys stay published in the JWKS until the tokens they signed have expired.
 */
export class CreateSigningKeys1732350000000 implements MigrationInterface {
  name = 'CreateSigningKeys1732350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The same migration runs in `auth` and in a test's scratch schema.
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.signing_keys (
        id text NOT NULL,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_key_encrypted text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz NULL,
        CONSTRAINT signing_keys_pkey PRIMARY KEY (id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.signing_keys`);
  }
}
