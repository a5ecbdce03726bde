import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Analytics records, and the batches they came in: a batch_id is stored in the same transaction
 * as its records, so a batch JetStream delivers twice is stored once.
 */
export class CreateAnalytics1763900100000 implements MigrationInterface {
  name = 'CreateAnalytics1763900100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.analytics_batches (
        batch_id text NOT NULL,
        gateway_id text NOT NULL,
        record_count integer NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT analytics_batches_pkey PRIMARY KEY (batch_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.analytics_records (
        id bigint GENERATED ALWAYS AS IDENTITY,
        at timestamptz NOT NULL,
        api_id text NOT NULL,
        identity text,
        oauth_client_id text,
        method text NOT NULL,
        path text NOT NULL,
        status smallint NOT NULL,
        upstream_ms double precision NOT NULL,
        total_ms double precision NOT NULL,
        bytes_in bigint NOT NULL,
        bytes_out bigint NOT NULL,
        auth_result text NOT NULL,
        batch_id text NOT NULL,
        CONSTRAINT analytics_records_pkey PRIMARY KEY (id)
      )`);
    // Every usage query is a time range, optionally narrowed to one API, identity or client.
    await queryRunner.query(`CREATE INDEX analytics_records_at_idx ON ${schema}.analytics_records (at)`);
    await queryRunner.query(`CREATE INDEX analytics_records_api_at_idx ON ${schema}.analytics_records (api_id, at)`);
    await queryRunner.query(`CREATE INDEX analytics_records_identity_at_idx ON ${schema}.analytics_records (identity, at) WHERE identity IS NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX analytics_records_client_at_idx ON ${schema}.analytics_records (oauth_client_id, at) WHERE oauth_client_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.analytics_records`);
    await queryRunner.query(`DROP TABLE ${schema}.analytics_batches`);
  }
}
