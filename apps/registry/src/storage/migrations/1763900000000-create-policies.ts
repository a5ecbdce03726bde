import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Policies beside the API definitions: their writes bump the same `config_state.revision`. */
export class CreatePolicies1763900000000 implements MigrationInterface {
  name = 'CreatePolicies1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.policies (
        id text NOT NULL,
        definition jsonb NOT NULL,
        revision bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT policies_pkey PRIMARY KEY (id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.policies`);
  }
}
