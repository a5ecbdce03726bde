import { createHash } from 'node:crypto';
import { createLogger, type Logger } from '@portcullis/logging';
import { DataSource, MigrationExecutor, type EntitySchema, type MixedList } from 'typeorm';
import { PinoTypeOrmLogger } from './pino-typeorm-logger.js';

export interface DatabaseOptions {
  url: string;
  /** The PostgreSQL schema this service owns; no service reads another's. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Connections in the pool; embedded PostgreSQL serves one session, so it gets 1. */
  poolSize?: number;
  /** Application name shown in pg_stat_activity. */
  applicationName: string;
  /** The service's logger, which TypeORM writes through (never its own console logger); one named after applicationName when absent. */
  logger?: Logger;
}

/**
 * Opens a service's database the way production runs it: its own schema, migrations applied
 * (never `synchronize`), under an advisory lock so replicas starting together migrate once.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    // PGlite has no extensions to install, and nothing here needs one.
    installExtensions: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName,
    // TypeORM's console loggers print a failed query with its parameters, bypassing pino.
    logger: new PinoTypeOrmLogger(options.logger ?? createLogger(options.applicationName)),
  });
  await dataSource.initialize();
  try {
    await migrate(dataSource, options.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

function lockKeyFor(schema: string): string {
  // pg_advisory_lock takes a bigint; derive a stable one from the schema name.
  return BigInt.asIntN(64, BigInt('0x' + createHash('sha256').update(`portcullis:migrate:${schema}`).digest('hex').slice(0, 16))).toString();
}

async function migrate(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  const lockKey = lockKeyFor(schema);
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [lockKey]);
    // The migrations table lives in the service's schema, so the schema must exist before
    // TypeORM looks for the table.
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema.replace(/"/g, '""')}"`);
    // The executor runs on the runner that holds the lock: with a pool of one it must not ask
    // for a second connection.
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    await executor.executePendingMigrations();
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
    await runner.release();
  }
}
