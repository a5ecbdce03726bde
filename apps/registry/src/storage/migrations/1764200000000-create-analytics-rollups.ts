import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The rollup tables, finest first: the usage API reads them, retention trims them. */
export const rollupTables = ['analytics_minutes', 'analytics_hours', 'analytics_days'] as const;

/**
 * Issue 15: gateways publish window aggregates instead of a record per request. Each window is
 * added at ingest into three rollup tables (minute, hour, day), keyed by bucket start and every
 * dimension (empty text, not NULL, for an absent one, so ON CONFLICT finds the row), with the
 * latency sketches' bins as jsonb merged by `analytics_bins_merge`. Request logs, kept only where an
 * API asks, go to a table partitioned by day, so retention drops whole partitions.
 * The per-request table is folded into the rollups (its latencies binned as the gateway's sketch
 * bins them: γ = 1.01 / 0.99, at least 1 µs) and dropped.
 */
export class CreateAnalyticsRollups1764200000000 implements MigrationInterface {
  name = 'CreateAnalyticsRollups1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    await queryRunner.query(`
      CREATE FUNCTION ${schema}.analytics_bins_merge(a jsonb, b jsonb) RETURNS jsonb
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT coalesce(jsonb_object_agg(key, n), '{}'::jsonb)
        FROM (SELECT key, sum(value::bigint) AS n
              FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) AS bins
              GROUP BY key) AS merged
      $$`);
    for (const table of rollupTables) {
      await queryRunner.query(`
        CREATE TABLE ${schema}.${table} (
          bucket_start timestamptz NOT NULL,
          api_id text NOT NULL,
          version text NOT NULL DEFAULT '',
          identity text NOT NULL DEFAULT '',
          oauth_client_id text NOT NULL DEFAULT '',
          status smallint NOT NULL,
          auth_result text NOT NULL,
          requests bigint NOT NULL,
          bytes_in bigint NOT NULL,
          bytes_out bigint NOT NULL,
          total_ms jsonb NOT NULL,
          upstream_ms jsonb NOT NULL,
          CONSTRAINT ${table}_pkey PRIMARY KEY (bucket_start, api_id, version, identity, oauth_client_id, status, auth_result)
        )`);
      // The primary key serves time ranges (and one API within them); these serve one caller's usage.
      await queryRunner.query(`CREATE INDEX ${table}_identity_idx ON ${schema}.${table} (identity, bucket_start) WHERE identity <> ''`);
      await queryRunner.query(`CREATE INDEX ${table}_client_idx ON ${schema}.${table} (oauth_client_id, bucket_start) WHERE oauth_client_id <> ''`);
    }
    await queryRunner.query(`
      CREATE TABLE ${schema}.analytics_request_logs (
        at timestamptz NOT NULL,
        api_id text NOT NULL,
        version text,
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
        batch_id text NOT NULL
      ) PARTITION BY RANGE (at)`);
    await queryRunner.query(`CREATE INDEX analytics_request_logs_api_at_idx ON ${schema}.analytics_request_logs (api_id, at)`);
    await queryRunner.query(`CREATE INDEX analytics_request_logs_identity_at_idx ON ${schema}.analytics_request_logs (identity, at)`);
    // Batches are remembered only as long as a redelivery can come (JetStream keeps 7 days): retention trims by stored_at.
    await queryRunner.query(`CREATE INDEX analytics_batches_stored_at_idx ON ${schema}.analytics_batches (stored_at)`);

    // Fold the per-request records into the rollups: bins per tuple first, then the tuple's row.
    const bin = (column: string) => `ceil(ln(greatest(${column}, 0.001)) / ln(1.01 / 0.99))::int`;
    for (const [table, unit] of [
      ['analytics_minutes', 'minute'],
      ['analytics_hours', 'hour'],
      ['analytics_days', 'day'],
    ] as const) {
      await queryRunner.query(`
        WITH binned AS (
          SELECT date_trunc('${unit}', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket_start, api_id, '' AS version,
                 coalesce(identity, '') AS identity, coalesce(oauth_client_id, '') AS oauth_client_id, status, auth_result,
                 ${bin('total_ms')} AS total_bin, ${bin('upstream_ms')} AS upstream_bin, bytes_in, bytes_out
          FROM ${schema}.analytics_records
        ), tuples AS (
          SELECT bucket_start, api_id, version, identity, oauth_client_id, status, auth_result,
                 count(*) AS requests, sum(bytes_in) AS bytes_in, sum(bytes_out) AS bytes_out
          FROM binned GROUP BY 1, 2, 3, 4, 5, 6, 7
        ), total_bins AS (
          SELECT bucket_start, api_id, identity, oauth_client_id, status, auth_result, jsonb_object_agg(total_bin, n) AS bins
          FROM (SELECT bucket_start, api_id, identity, oauth_client_id, status, auth_result, total_bin, count(*) AS n FROM binned GROUP BY 1, 2, 3, 4, 5, 6, 7) b
          GROUP BY 1, 2, 3, 4, 5, 6
        ), upstream_bins AS (
          SELECT bucket_start, api_id, identity, oauth_client_id, status, auth_result, jsonb_object_agg(upstream_bin, n) AS bins
          FROM (SELECT bucket_start, api_id, identity, oauth_client_id, status, auth_result, upstream_bin, count(*) AS n FROM binned GROUP BY 1, 2, 3, 4, 5, 6, 7) b
          GROUP BY 1, 2, 3, 4, 5, 6
        )
        INSERT INTO ${schema}.${table}
          (bucket_start, api_id, version, identity, oauth_client_id, status, auth_result, requests, bytes_in, bytes_out, total_ms, upstream_ms)
        SELECT t.bucket_start, t.api_id, t.version, t.identity, t.oauth_client_id, t.status, t.auth_result, t.requests, t.bytes_in, t.bytes_out, tb.bins, ub.bins
        FROM tuples t
        JOIN total_bins tb USING (bucket_start, api_id, identity, oauth_client_id, status, auth_result)
        JOIN upstream_bins ub USING (bucket_start, api_id, identity, oauth_client_id, status, auth_result)`);
    }
    await queryRunner.query(`DROP TABLE ${schema}.analytics_records`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = queryRunner.connection.driver.escape(queryRunner.connection.driver.schema ?? 'public');
    // The rollups cannot be split back into requests: the per-request table comes back empty.
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
    await queryRunner.query(`DROP INDEX ${schema}.analytics_batches_stored_at_idx`);
    await queryRunner.query(`DROP TABLE ${schema}.analytics_request_logs`);
    for (const table of rollupTables) await queryRunner.query(`DROP TABLE ${schema}.${table}`);
    await queryRunner.query(`DROP FUNCTION ${schema}.analytics_bins_merge(jsonb, jsonb)`);
  }
}
