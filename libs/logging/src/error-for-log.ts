/**
 * What a log may say about a thrown value. A database error is the dangerous one: TypeORM's
 * QueryFailedError carries the query's parameters and PostgreSQL's `detail` (`Key (x)=(value)`,
 * `Failing row contains (...)`) and `where` (`JSON data, line 1: ...`), all of which can hold the
 * row being written, secrets included; and PostgreSQL quotes offending values in the message itself
 * (`invalid input syntax for type uuid: "..."`). So a database error is told by its SQLSTATE, its
 * message with the quoted part elided, and the names of the table, column and constraint involved
 * (identifiers, never values); any other error by its stack.
 */
export interface DatabaseErrorFields {
  sqlstate: string;
  message: string;
  table?: string;
  column?: string;
  constraint?: string;
}

interface DriverErrorLike {
  code?: unknown;
  severity?: unknown;
  table?: unknown;
  column?: unknown;
  constraint?: unknown;
}

/** The PostgreSQL error behind `error` (TypeORM's QueryFailedError wraps it as `driverError`), if any. */
function driverErrorOf(error: unknown): DriverErrorLike | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const wrapped = (error as { driverError?: unknown }).driverError;
  if (wrapped !== null && typeof wrapped === 'object') return wrapped as DriverErrorLike;
  const { code, severity } = error as DriverErrorLike;
  // pg's DatabaseError: a severity and a five-character SQLSTATE.
  return typeof severity === 'string' && typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? (error as DriverErrorLike) : undefined;
}

/**
 * PostgreSQL's message style guide has every variable part of a message in double quotes: the
 * greedy match elides from the first quote to the last, so a value holding a quote cannot break out.
 */
export function withoutQuotedValues(message: string): string {
  return message.replace(/".*"/s, '"…"');
}

/** The loggable facts of a database error; undefined when `error` is not one. */
export function databaseErrorFields(error: unknown): DatabaseErrorFields | undefined {
  const driver = driverErrorOf(error);
  if (!driver) return undefined;
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  const rawMessage = error instanceof Error ? error.message : (text((driver as { message?: unknown }).message) ?? '');
  const fields: DatabaseErrorFields = { sqlstate: text(driver.code) ?? 'unknown', message: withoutQuotedValues(rawMessage) };
  for (const name of ['table', 'column', 'constraint'] as const) {
    const value = text(driver[name]);
    if (value) fields[name] = value;
  }
  return fields;
}

/** One line (plus stack frames) that may go to a log for anything thrown. */
export function errorForLog(error: unknown): string {
  if (!(error instanceof Error)) {
    const fields = databaseErrorFields(error);
    return fields ? describeDatabaseError('DatabaseError', fields) : String(error);
  }
  const fields = databaseErrorFields(error);
  if (!fields) return error.stack ?? `${error.name}: ${error.message}`;
  // The stack's first lines repeat the message: keep only the frames.
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  return [describeDatabaseError(error.name, fields), ...frames].join('\n');
}

function describeDatabaseError(name: string, fields: DatabaseErrorFields): string {
  const where = (['table', 'column', 'constraint'] as const).filter((key) => fields[key]).map((key) => `${key} ${fields[key]}`);
  return `${name} [SQLSTATE ${fields.sqlstate}]: ${fields.message}${where.length ? ` (${where.join(', ')})` : ''}`;
}

/** One line for anything thrown, without its stack: what pino would otherwise take as the message. */
export function errorSummary(error: unknown): string {
  const fields = databaseErrorFields(error);
  const name = error instanceof Error ? error.name : 'DatabaseError';
  if (fields) return describeDatabaseError(name, fields);
  return error instanceof Error ? error.message : String(error);
}

/** pino's `err` serializer: never the enumerable extras (`parameters`, `query`, `detail`, ...). */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return databaseErrorFields(error) ? errorForLog(error) : error;
  const fields = databaseErrorFields(error);
  const serialized: { type: string; message: string; stack?: string; code?: string } = {
    type: error.name,
    message: fields ? describeDatabaseError(error.name, fields) : error.message,
    stack: errorForLog(error),
  };
  const code = (error as { code?: unknown }).code;
  if (!fields && typeof code === 'string') serialized.code = code;
  return serialized;
}
