import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A catalogue entry's DCR provider becomes a real reference: a provider that entries still offer
 * cannot be deleted (apps made from those entries would have nowhere to register). NOT VALID: an
 * entry left naming a provider deleted before this migration must not stop the registry starting;
 * new and changed entries, and every provider delete, are checked all the same.
 */
export class CatalogueProviderReference1764000300000 implements MigrationInterface {
  name = 'CatalogueProviderReference1764000300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    // Entries were only ever saved naming an existing provider by its uuid, so the cast holds.
    await queryRunner.query(`ALTER TABLE ${schema}.catalogue_entries ALTER COLUMN provider_id TYPE uuid USING provider_id::uuid`);
    await queryRunner.query(`
      ALTER TABLE ${schema}.catalogue_entries
        ADD CONSTRAINT catalogue_entries_provider_fkey FOREIGN KEY (provider_id) REFERENCES ${schema}.dcr_providers (id) ON DELETE RESTRICT NOT VALID`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.catalogue_entries DROP CONSTRAINT catalogue_entries_provider_fkey`);
    await queryRunner.query(`ALTER TABLE ${schema}.catalogue_entries ALTER COLUMN provider_id TYPE text`);
  }
}
