import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateApiDefinitions1732350000000 implements MigrationInterface {
  name = 'CreateApiDefinitions1732350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The same migration runs in `registry` and in a test's scratch schema.
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.api_definitions (
        api_id text NOT NULL,
        route_key text NOT NULL,
        definition jsonb NOT NULL,
        revision bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_definitions_pkey PRIMARY KEY (api_id),
        CONSTRAINT api_definitions_route_key_key UNIQUE (route_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.config_state (
        id integer NOT NULL,
        revision bigint NOT NULL,
        CONSTRAINT config_state_pkey PRIMARY KEY (id),
        CONSTRAINT config_state_single_row CHECK (id = 1)
      )`);
    await queryRunner.query(`INSERT INTO ${schema}.config_state (id, revision) VALUES (1, 0)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.config_state`);
    await queryRunner.query(`DROP TABLE ${schema}.api_definitions`);
  }
}
