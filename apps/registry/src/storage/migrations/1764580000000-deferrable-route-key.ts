import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The listen paths' unique constraint becomes DEFERRABLE (INITIALLY IMMEDIATE: every other writer
 * still meets it at its statement), so an applied configuration set, whose final state is checked
 * for duplicate paths first, can swap two APIs' paths in one transaction by deferring it to COMMIT.
 * A deferrable constraint cannot arbitrate ON CONFLICT: the upserts name the primary key (api_id).
 */
export class DeferrableRouteKey1764580000000 implements MigrationInterface {
  name = 'DeferrableRouteKey1764580000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.recreate(queryRunner, 'DEFERRABLE INITIALLY IMMEDIATE');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.recreate(queryRunner, 'NOT DEFERRABLE');
  }

  private async recreate(queryRunner: QueryRunner, timing: string): Promise<void> {
    // The same migration runs in `registry` and in a test's scratch schema.
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    // One statement: the table is never without the constraint.
    await queryRunner.query(`
      ALTER TABLE ${schema}.api_definitions
        DROP CONSTRAINT api_definitions_route_key_key,
        ADD CONSTRAINT api_definitions_route_key_key UNIQUE (route_key) ${timing}`);
  }
}
