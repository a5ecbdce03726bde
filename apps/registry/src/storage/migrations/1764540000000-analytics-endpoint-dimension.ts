import type { MigrationInterface, QueryRunner } from 'typeorm';
import { rollupTables } from './1764200000000-create-analytics-rollups.js';

/**
 * Issue 15: the tracked endpoint (an entry of an API's track_endpoints, `GET /users/{id}`) becomes a
 * dimension of the rollups, and a column of the request logs. Rows already there counted requests of
 * no tracked endpoint: they keep their counts under '' (none), and the primary key, which is what the
 * ingest's upsert finds a row by, gains the column.
 */
export class AnalyticsEndpointDimension1764540000000 implements MigrationInterface {
  name = 'AnalyticsEndpointDimension1764540000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    for (const table of rollupTables) {
      await queryRunner.query(`ALTER TABLE ${schema}.${table} ADD COLUMN endpoint text NOT NULL DEFAULT ''`);
      await queryRunner.query(`ALTER TABLE ${schema}.${table} DROP CONSTRAINT ${table}_pkey`);
      await queryRunner.query(
        `ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (bucket_start, api_id, version, identity, oauth_client_id, status, auth_result, endpoint)`,
      );
    }
    await queryRunner.query(`ALTER TABLE ${schema}.analytics_request_logs ADD COLUMN endpoint text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`ALTER TABLE ${schema}.analytics_request_logs DROP COLUMN endpoint`);
    const dims = 'bucket_start, api_id, version, identity, oauth_client_id, status, auth_result';
    for (const table of rollupTables) {
      // Each endpoint's row folds into its tuple's row without one, so no request is lost. One row per
      // tuple a round (a statement may not update a row twice); as many rounds as a tuple had endpoints.
      for (;;) {
        const moved = (await queryRunner.query(`
          WITH one AS (
            DELETE FROM ${schema}.${table} WHERE ctid IN (
              SELECT DISTINCT ON (${dims}) ctid FROM ${schema}.${table} WHERE endpoint <> '' ORDER BY ${dims})
            RETURNING ${dims}, requests, bytes_in, bytes_out, total_ms, upstream_ms)
          INSERT INTO ${schema}.${table} AS t (${dims}, endpoint, requests, bytes_in, bytes_out, total_ms, upstream_ms)
          SELECT ${dims}, '', requests, bytes_in, bytes_out, total_ms, upstream_ms FROM one
          ON CONFLICT (${dims}, endpoint) DO UPDATE SET
            requests = t.requests + EXCLUDED.requests,
            bytes_in = t.bytes_in + EXCLUDED.bytes_in,
            bytes_out = t.bytes_out + EXCLUDED.bytes_out,
            total_ms = ${schema}.analytics_bins_merge(t.total_ms, EXCLUDED.total_ms),
            upstream_ms = ${schema}.analytics_bins_merge(t.upstream_ms, EXCLUDED.upstream_ms)
          RETURNING 1`)) as unknown[];
        if (moved.length === 0) break;
      }
      await queryRunner.query(`ALTER TABLE ${schema}.${table} DROP CONSTRAINT ${table}_pkey`);
      await queryRunner.query(`ALTER TABLE ${schema}.${table} DROP COLUMN endpoint`);
      await queryRunner.query(`ALTER TABLE ${schema}.${table} ADD CONSTRAINT ${table}_pkey PRIMARY KEY (${dims})`);
    }
  }
}
