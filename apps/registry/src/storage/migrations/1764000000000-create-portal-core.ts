import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The developer portal's core: catalogue entries, developers (with their password reset links) and
 * their apps. An app's foreign keys restrict deletes: its credential must be revoked first, so a
 * developer or entry is never deleted with live credentials behind it.
 */
export class CreatePortalCore1764000000000 implements MigrationInterface {
  name = 'CreatePortalCore1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE TABLE ${schema}.catalogue_entries (
        id uuid NOT NULL,
        api_id text NOT NULL,
        policy_id text NOT NULL,
        name text NOT NULL,
        description text NOT NULL DEFAULT '',
        documentation text NOT NULL DEFAULT '',
        openapi jsonb,
        credential_kind text NOT NULL,
        provider_id text,
        published boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT catalogue_entries_pkey PRIMARY KEY (id),
        CONSTRAINT catalogue_entries_kind_check CHECK (credential_kind IN ('api_key', 'oauth_client', 'external_dcr')),
        CONSTRAINT catalogue_entries_provider_check CHECK ((credential_kind = 'external_dcr') = (provider_id IS NOT NULL))
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.developers (
        id uuid NOT NULL,
        email text NOT NULL,
        password_hash text NOT NULL,
        status text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT developers_pkey PRIMARY KEY (id),
        CONSTRAINT developers_email_key UNIQUE (email),
        CONSTRAINT developers_status_check CHECK (status IN ('pending', 'active', 'blocked'))
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.developer_password_resets (
        token_hash text NOT NULL,
        developer_id uuid NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT developer_password_resets_pkey PRIMARY KEY (token_hash),
        CONSTRAINT developer_password_resets_developer_fkey FOREIGN KEY (developer_id) REFERENCES ${schema}.developers (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX developer_password_resets_developer_idx ON ${schema}.developer_password_resets (developer_id)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.portal_apps (
        id uuid NOT NULL,
        developer_id uuid NOT NULL,
        entry_id uuid NOT NULL,
        name text NOT NULL,
        kind text NOT NULL,
        key_hash text,
        client_id text,
        provider_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT portal_apps_pkey PRIMARY KEY (id),
        CONSTRAINT portal_apps_developer_fkey FOREIGN KEY (developer_id) REFERENCES ${schema}.developers (id) ON DELETE RESTRICT,
        CONSTRAINT portal_apps_entry_fkey FOREIGN KEY (entry_id) REFERENCES ${schema}.catalogue_entries (id) ON DELETE RESTRICT,
        CONSTRAINT portal_apps_kind_check CHECK (kind IN ('api_key', 'oauth_client', 'external_dcr'))
      )`);
    await queryRunner.query(`CREATE INDEX portal_apps_developer_idx ON ${schema}.portal_apps (developer_id, created_at)`);
    await queryRunner.query(`CREATE INDEX portal_apps_entry_idx ON ${schema}.portal_apps (entry_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`DROP TABLE ${schema}.portal_apps`);
    await queryRunner.query(`DROP TABLE ${schema}.developer_password_resets`);
    await queryRunner.query(`DROP TABLE ${schema}.developers`);
    await queryRunner.query(`DROP TABLE ${schema}.catalogue_entries`);
  }
}
