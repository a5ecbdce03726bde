import { createLogger, errorForLog } from '@portcullis/logging';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { openDatabase } from '../src/index.js';

/**
 * PostgreSQL puts values in its errors: the message quotes the offending input, `detail` names the
 * duplicate key or the failing row, `where` quotes the JSON it was reading. Each failure below
 * carries a secret in its parameters; neither the data source's log (at debug) nor errorForLog of
 * what it throws may show it, and each still names its SQLSTATE.
 */
describeWithServices('a failed query is logged without the values it carried', () => {
  const schema = `query_logging_${process.pid}`;
  let output = '';
  let dataSource: DataSource;

  beforeAll(async () => {
    const capture = new Writable({
      write(chunk: Buffer, _encoding, done) {
        output += chunk.toString('utf8');
        done();
      },
    });
    dataSource = await openDatabase({
      url: testServices.databaseUrl,
      schema,
      entities: [],
      migrations: [],
      poolSize: 2,
      applicationName: 'query-logging-int',
      logger: createLogger('query-logging', 'debug', capture),
    });
    await dataSource.query(`CREATE TABLE "${schema}".t (id uuid PRIMARY KEY, name text UNIQUE NOT NULL, doc jsonb, n integer)`);
    await dataSource.query(`INSERT INTO "${schema}".t (id, name) VALUES (gen_random_uuid(), $1)`, ['duplicate-secret']);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await dropScratchSchemas(schema);
  });

  const failures: { sqlstate: string; sql: string; parameters: unknown[] }[] = [
    // message: invalid input syntax for type uuid: "..."
    { sqlstate: '22P02', sql: 'INSERT INTO "S".t (id, name) VALUES ($1, $2)', parameters: ['uuid-secret', 'x'] },
    // detail: Key (name)=(...) already exists.
    { sqlstate: '23505', sql: 'INSERT INTO "S".t (id, name) VALUES (gen_random_uuid(), $1)', parameters: ['duplicate-secret'] },
    // detail: Failing row contains (...).
    {
      sqlstate: '23502',
      sql: 'INSERT INTO "S".t (id, name, doc) VALUES (gen_random_uuid(), NULL, $1)',
      parameters: [JSON.stringify({ client_secret: 'row-secret' })],
    },
    // where: JSON data, line 1: {"jwt_source":"..."
    {
      sqlstate: '22P02',
      sql: 'INSERT INTO "S".t (id, name, doc) VALUES (gen_random_uuid(), $1, $2)',
      parameters: ['y', JSON.stringify({ jwt_source: 'json-secret', name: '\ud800' })],
    },
    // message: value "..." is out of range for type integer
    { sqlstate: '22003', sql: 'INSERT INTO "S".t (id, name, n) VALUES (gen_random_uuid(), $1, $2)', parameters: ['z', '98765432109876543210'] },
  ];
  const secrets = ['uuid-secret', 'duplicate-secret', 'row-secret', 'json-secret', '98765432109876543210'];

  it('logs each failure with its SQLSTATE, and no value it carried', async () => {
    for (const failure of failures) {
      const thrown = await dataSource.query(failure.sql.replace('"S"', `"${schema}"`), failure.parameters).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(thrown, failure.sql).toBeInstanceOf(Error);
      const line = errorForLog(thrown);
      expect(line).toContain(`SQLSTATE ${failure.sqlstate}`);
      for (const secret of secrets) expect(line, failure.sql).not.toContain(secret);
    }
    for (const { sqlstate } of failures) expect(output).toContain(`"sqlstate":"${sqlstate}"`);
    // The query text is there at debug; its parameters never.
    expect(output).toContain('INSERT INTO');
    for (const secret of secrets) expect(output).not.toContain(secret);
  });
});
