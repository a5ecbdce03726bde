import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operators signing in to the console through an OpenID Provider too: the sign-ins under way are
 * no longer the portal's alone (the table loses its prefix), and each says which pages it started
 * from, so a callback of one cannot complete a sign-in of the other. Rows under way are the portal's.
 */
export class OidcSignInPurpose1764570000000 implements MigrationInterface {
  name = 'OidcSignInPurpose1764570000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.portal_oidc_sign_ins RENAME TO oidc_sign_ins`);
    await queryRunner.query(`ALTER TABLE ${schema}.oidc_sign_ins RENAME CONSTRAINT portal_oidc_sign_ins_pkey TO oidc_sign_ins_pkey`);
    await queryRunner.query(`ALTER INDEX ${schema}.portal_oidc_sign_ins_expires_idx RENAME TO oidc_sign_ins_expires_idx`);
    await queryRunner.query(`
      ALTER TABLE ${schema}.oidc_sign_ins
        ADD COLUMN purpose text NOT NULL DEFAULT 'portal',
        ADD CONSTRAINT oidc_sign_ins_purpose_check CHECK (purpose IN ('portal', 'console'))`);
    await queryRunner.query(`ALTER TABLE ${schema}.oidc_sign_ins ALTER COLUMN purpose DROP DEFAULT`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    // The console's sign-ins under way have nowhere to go back to.
    await queryRunner.query(`DELETE FROM ${schema}.oidc_sign_ins WHERE purpose <> 'portal'`);
    await queryRunner.query(`ALTER TABLE ${schema}.oidc_sign_ins DROP CONSTRAINT oidc_sign_ins_purpose_check, DROP COLUMN purpose`);
    await queryRunner.query(`ALTER INDEX ${schema}.oidc_sign_ins_expires_idx RENAME TO portal_oidc_sign_ins_expires_idx`);
    await queryRunner.query(`ALTER TABLE ${schema}.oidc_sign_ins RENAME CONSTRAINT oidc_sign_ins_pkey TO portal_oidc_sign_ins_pkey`);
    await queryRunner.query(`ALTER TABLE ${schema}.oidc_sign_ins RENAME TO portal_oidc_sign_ins`);
  }
}
