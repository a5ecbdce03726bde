import { databaseErrorFields, withoutQuotedValues, type Logger } from '@portcullis/logging';
import type { Logger as TypeOrmLogger } from 'typeorm';

/** Query text in a debug line is cut here: migrations are long, and the start says which query it was. */
const MAX_QUERY_CHARS = 500;
const queryText = (query: string): string => (query.length > MAX_QUERY_CHARS ? `${query.slice(0, MAX_QUERY_CHARS)}…` : query);

/**
 * TypeORM's logging through the service's pino logger. TypeORM hands every method the query's
 * parameters: they are the row being written (an API definition's jwt_source and webhook secret,
 * a client's secret hash, a user's password hash), so they are never logged, at any level. The
 * query text (placeholders only) is logged at debug; a failed query at warn with its SQLSTATE and
 * PostgreSQL's message without the values it quotes (see databaseErrorFields). Whoever catches the
 * error decides whether it is worth more than a warning: a unique violation is often an answer.
 */
export class PinoTypeOrmLogger implements TypeOrmLogger {
  constructor(private readonly logger: Logger) {}

  logQuery(query: string): void {
    if (this.logger.isLevelEnabled('debug')) this.logger.debug({ query: queryText(query) }, 'query');
  }

  logQueryError(error: string | Error, query: string): void {
    const fields = databaseErrorFields(error) ?? {
      sqlstate: 'none',
      message: error instanceof Error ? `${error.name}: ${withoutQuotedValues(error.message)}` : 'no error given',
    };
    const debug = this.logger.isLevelEnabled('debug') ? { query: queryText(query) } : {};
    this.logger.warn({ ...fields, ...debug }, `query failed: ${fields.message}`);
  }

  logQuerySlow(time: number, query: string): void {
    const debug = this.logger.isLevelEnabled('debug') ? { query: queryText(query) } : {};
    this.logger.warn({ durationMs: time, ...debug }, `slow query (${time} ms)`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.info(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.info(String(message));
  }
}
