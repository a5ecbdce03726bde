import { openDatabase } from '@portcullis/database';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, expect, it } from 'vitest';
import { describeWithServices, testServices } from '../../../tools/test/with-services.js';
import { registryEntities, registryMigrations } from '../src/schema.js';
import { AnalyticsEndpointDimension1764540000000 } from '../src/storage/migrations/1764540000000-analytics-endpoint-dimension.js';

/**
 * The endpoint dimension's migration on a database that already has rollups: the rows keep their
 * counts (under no endpoint), and going back folds the endpoints' rows into their tuple's row, so
 * no request is lost either way.
 */
describeWithServices('migration: the endpoint dimension of the analytics rollups', () => {
  const schema = `registry_endpoint_migration_${randomBytes(4).toString('hex')}`;
  const open = (migrations: typeof registryMigrations) =>
    openDatabase({ url: testServices.databaseUrl, schema, entities: registryEntities, migrations, applicationName: 'endpoint-migration-test', poolSize: 1 });
  let db: DataSource | undefined;

  afterAll(async () => {
    await db?.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => undefined);
    await db?.destroy();
  });

  const rows = async (table: string) =>
    (await db!.query(`SELECT endpoint, requests::int AS requests, total_ms FROM "${schema}".${table} ORDER BY endpoint`)) as {
      endpoint: string;
      requests: number;
      total_ms: Record<string, number>;
    }[];

  it('keeps every existing row under no endpoint, and folds endpoints back on the way down', async () => {
    const before = registryMigrations.indexOf(AnalyticsEndpointDimension1764540000000);
    db = await open(registryMigrations.slice(0, before));
    for (const table of ['analytics_minutes', 'analytics_hours', 'analytics_days'])
      await db.query(
        `INSERT INTO "${schema}".${table} (bucket_start, api_id, status, auth_result, requests, bytes_in, bytes_out, total_ms, upstream_ms)
         VALUES ('2025-01-01T00:00:00Z', 'a', 200, 'keyless', 7, 0, 70, '{"10": 7}', '{"5": 7}')`,
      );
    await db.destroy();

    db = await open(registryMigrations);
    expect(await rows('analytics_hours')).toEqual([{ endpoint: '', requests: 7, total_ms: { '10': 7 } }]);
    // The same tuple under two endpoints: rows of their own beside it.
    await db.query(
      `INSERT INTO "${schema}".analytics_hours (bucket_start, api_id, status, auth_result, endpoint, requests, bytes_in, bytes_out, total_ms, upstream_ms)
       VALUES ('2025-01-01T00:00:00Z', 'a', 200, 'keyless', 'GET /users/{id}', 2, 0, 20, '{"10": 1, "12": 1}', '{"5": 2}'),
              ('2025-01-01T00:00:00Z', 'a', 200, 'keyless', 'POST /orders', 3, 0, 30, '{"12": 3}', '{"5": 3}')`,
    );
    expect((await rows('analytics_hours')).map((row) => row.requests)).toEqual([7, 2, 3]);

    // Back down past every later migration and the endpoint dimension itself.
    for (let undone = registryMigrations.length; undone > before; undone -= 1) await db.undoLastMigration({ transaction: 'all' });
    const folded = (await db.query(`SELECT requests::int AS requests, total_ms, upstream_ms FROM "${schema}".analytics_hours`)) as {
      requests: number;
      total_ms: Record<string, number>;
      upstream_ms: Record<string, number>;
    }[];
    expect(folded).toEqual([{ requests: 12, total_ms: { '10': 8, '12': 4 }, upstream_ms: { '5': 12 } }]);
  });
});
