import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tyk's certificate store: its writes bump the same `config_state.revision` as APIs and policies. */
export class CreateCertificates1764100000000 implements MigrationInterface {
  name = 'CreateCertificates1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.certificates (
        id text NOT NULL,
        org_id text NOT NULL DEFAULT '',
        cert_pem text NOT NULL,
        sealed_key text,
        revision bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT certificates_pkey PRIMARY KEY (id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.certificates`);
  }
}
