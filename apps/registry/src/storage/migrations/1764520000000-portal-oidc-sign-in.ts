import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Developers signing in through an OpenID Provider: an account made there has no password (null,
 * not a placeholder hash), and the sign-ins under way, each kept until its callback comes back or
 * it expires.
 */
export class PortalOidcSignIn1764520000000 implements MigrationInterface {
  name = 'PortalOidcSignIn1764520000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.developers ALTER COLUMN password_hash DROP NOT NULL`);
    // Keyed by the SHA-256 of the state: the state travels in URLs (and the provider's logs), the
    // row must not be found from a leaked table. The PKCE verifier and nonce are kept as they are:
    // they are needed as such at the callback, live ten minutes at most, and are deleted on use.
    await queryRunner.query(`
      CREATE TABLE ${schema}.portal_oidc_sign_ins (
        state_hash text NOT NULL,
        nonce text NOT NULL,
        code_verifier text NOT NULL,
        next text NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT portal_oidc_sign_ins_pkey PRIMARY KEY (state_hash)
      )`);
    await queryRunner.query(`CREATE INDEX portal_oidc_sign_ins_expires_idx ON ${schema}.portal_oidc_sign_ins (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.portal_oidc_sign_ins`);
    // Accounts made through the provider get a password nobody knows, so the column can be required again.
    await queryRunner.query(`UPDATE ${schema}.developers SET password_hash = '!' WHERE password_hash IS NULL`);
    await queryRunner.query(`ALTER TABLE ${schema}.developers ALTER COLUMN password_hash SET NOT NULL`);
  }
}
