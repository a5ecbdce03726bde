import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { errorForLog } from './error-for-log.js';
import { createLogger, PinoNestLogger } from './logger.js';

function capturedLogger() {
  let output = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString('utf8');
      done();
    },
  });
  return { logger: createLogger('test', 'trace', stream), output: () => output };
}

/** What TypeORM throws when PostgreSQL refuses a write: the parameters, and PostgreSQL's detail and context. */
function queryFailedError(): Error {
  const driverError = Object.assign(new Error('invalid input syntax for type uuid: "uuid-secret"'), {
    severity: 'ERROR',
    code: '22P02',
    detail: 'Key (client_id)=(detail-secret) already exists.',
    where: 'JSON data, line 1: {"jwt_source":"where-secret"',
    table: 'oauth_clients',
  });
  return Object.assign(new Error(driverError.message), {
    name: 'QueryFailedError',
    query: 'INSERT INTO "x" VALUES ($1)',
    parameters: ['parameter-secret'],
    driverError,
    detail: driverError.detail,
    where: driverError.where,
  });
}

describe('createLogger', () => {
  it('censors secret fields of a logged object at any depth', () => {
    const { logger, output } = capturedLogger();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer header-secret', cookie: 'portal=cookie-secret', 'x-tyk-authorization': 'tyk-secret' } },
        body: {
          client_id: 'visible-id',
          client_secret: 'body-secret',
          definition: { jwt_source: 'jwt-secret', notifications: { shared_secret: 'hook-secret' } },
        },
      },
      'a request',
    );
    const text = output();
    expect(text).toContain('visible-id');
    expect(text).not.toMatch(/header-secret|cookie-secret|tyk-secret|body-secret|jwt-secret|hook-secret/);
  });

  it('writes a database error without its parameters, detail, context or quoted values', () => {
    const { logger, output } = capturedLogger();
    logger.error({ err: queryFailedError() }, 'write failed');
    logger.error(queryFailedError());
    new PinoNestLogger(logger).error(queryFailedError());
    const text = output();
    expect(text).toContain('22P02');
    expect(text).toContain('oauth_clients');
    expect(text).not.toMatch(/parameter-secret|detail-secret|where-secret|uuid-secret/);
  });
});

describe('errorForLog', () => {
  it('keeps the SQLSTATE and the frames of a database error, not the values it quotes', () => {
    const line = errorForLog(queryFailedError());
    expect(line).toMatch(/^QueryFailedError \[SQLSTATE 22P02\]: invalid input syntax for type uuid: "…" \(table oauth_clients\)\n\s+at /);
    expect(line).not.toContain('secret');
  });

  it('elides a quoted value even when it holds quotes itself', () => {
    const error = Object.assign(new Error('invalid input value for enum kind: "a" secret "b"'), { severity: 'ERROR', code: '22P02' });
    expect(errorForLog(error)).not.toContain('secret');
  });

  it('keeps any other error as its stack', () => {
    const error = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    expect(errorForLog(error)).toBe(error.stack);
  });
});
