import { describe, expect, it } from 'vitest';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { presentedCredentials } from './client-credentials.js';

function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${id}:${secret}`).toString('base64');
}

function failure(work: () => unknown): OAuthError {
  try {
    work();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('presentedCredentials', () => {
  it('reads Basic credentials, form-decoding each part (RFC 6749 §2.3.1)', () => {
    const header = basic(encodeURIComponent('my client').replace(/%20/g, '+'), encodeURIComponent('s:e%c+r/t'));
    expect(presentedCredentials({ authorization: header }, new Map())).toEqual({ method: 'client_secret_basic', clientId: 'my client', secret: 's:e%c+r/t' });
  });

  it('accepts the scheme name in any case', () => {
    expect(presentedCredentials({ authorization: basic('c', 's').replace('Basic', 'bAsIc') }, undefined).method).toBe('client_secret_basic');
  });

  it('reads client_secret_post credentials from the body', () => {
    expect(
      presentedCredentials(
        {},
        new Map([
          ['client_id', 'c'],
          ['client_secret', 's'],
        ]),
      ),
    ).toEqual({ method: 'client_secret_post', clientId: 'c', secret: 's' });
  });

  it('takes a lone client_id as a public client (none), from a Map or a plain object', () => {
    expect(presentedCredentials({}, new Map([['client_id', 'c']]))).toEqual({ method: 'none', clientId: 'c' });
    expect(presentedCredentials({}, { client_id: 'c' })).toEqual({ method: 'none', clientId: 'c' });
  });

  it('refuses two methods at once', () => {
    const error = failure(() =>
      presentedCredentials(
        { authorization: basic('c', 's') },
        new Map([
          ['client_id', 'c'],
          ['client_secret', 's'],
        ]),
      ),
    );
    expect(error.code).toBe('invalid_request');
  });

  it('refuses a body client_id that differs from the Basic one, allows the same one', () => {
    expect(failure(() => presentedCredentials({ authorization: basic('c', 's') }, new Map([['client_id', 'other']]))).code).toBe('invalid_request');
    expect(presentedCredentials({ authorization: basic('c', 's') }, new Map([['client_id', 'c']])).clientId).toBe('c');
  });

  it.each([
    ['not base64', 'Basic %%%'],
    ['no colon', 'Basic ' + Buffer.from('justanid').toString('base64')],
    ['empty id', 'Basic ' + Buffer.from(':secret').toString('base64')],
    ['empty secret', 'Basic ' + Buffer.from('id:').toString('base64')],
    ['bad percent escape', 'Basic ' + Buffer.from('id:%zz').toString('base64')],
    ['no credentials', 'Basic'],
    ['a NUL in the id', basic('a\u0000b', 'secret')],
    ['a percent-encoded NUL in the id', basic('a%00b', 'secret')],
    ['a NUL in the secret', basic('id', 's%00')],
  ])('answers a malformed Basic header (%s) with invalid_client and a Basic challenge', (_case, header) => {
    const error = failure(() => presentedCredentials({ authorization: header }, undefined));
    expect(error.code).toBe('invalid_client');
    expect(error.status).toBe(401);
    expect(error.wwwAuthenticate).toMatch(/^Basic realm=/);
  });

  it('answers no credentials at all with invalid_client', () => {
    expect(failure(() => presentedCredentials({}, new Map())).code).toBe('invalid_client');
  });

  it('answers a NUL in body credentials (from a form or a JSON-ish body) with invalid_client and a challenge', () => {
    for (const body of [
      new Map([
        ['client_id', 'a\u0000'],
        ['client_secret', 's'],
      ]),
      { client_id: 'c', client_secret: 's\u0000' },
    ]) {
      const error = failure(() => presentedCredentials({}, body));
      expect(error.code).toBe('invalid_client');
      expect(error.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
    }
  });

  it('refuses a secret without a client_id', () => {
    expect(failure(() => presentedCredentials({}, new Map([['client_secret', 's']]))).code).toBe('invalid_request');
  });
});
