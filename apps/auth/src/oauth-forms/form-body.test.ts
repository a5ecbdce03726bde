import { describe, expect, it } from 'vitest';
import { OAuthError } from '../oauth-errors/oauth-error.js';
import { parseForm, required } from './form-body.js';

const form = 'application/x-www-form-urlencoded';

function failure(work: () => unknown): OAuthError {
  try {
    work();
  } catch (error) {
    if (error instanceof OAuthError) return error;
    throw error;
  }
  throw new Error('expected an OAuthError');
}

describe('parseForm', () => {
  it('decodes a form body, + as space and percent escapes', () => {
    const params = parseForm(`${form}; charset=UTF-8`, 'grant_type=client_credentials&scope=read+write&x=%C3%A9%26');
    expect(Object.fromEntries(params)).toEqual({ grant_type: 'client_credentials', scope: 'read write', x: 'é&' });
  });

  it('refuses a repeated parameter, naming it', () => {
    const error = failure(() => parseForm(form, 'grant_type=client_credentials&scope=a&scope=b'));
    expect(error.toBody()).toEqual({ error: 'invalid_request', error_description: 'The parameter scope is repeated' });
    expect(error.status).toBe(400);
  });

  it('refuses escapes that are not UTF-8 (a lone surrogate, an overlong form, a broken escape)', () => {
    for (const body of ['client_id=%ED%A0%80', 'client_id=%C0%AF', 'client_id=%E0%A4%A']) {
      expect(failure(() => parseForm(form, body)).toBody(), body).toEqual({
        error: 'invalid_request',
        error_description: 'The request body is not percent-encoded UTF-8',
      });
    }
  });

  it('refuses a parameter named for a prototype, echoing only that name', () => {
    expect(failure(() => parseForm(form, 'grant_type=client_credentials&__proto__[polluted]=1')).toBody()).toEqual({
      error: 'invalid_request',
      error_description: 'A parameter named __proto__ is not allowed',
    });
  });

  it('refuses a repeated parameter even when one copy is empty', () => {
    expect(failure(() => parseForm(form, 'scope=&scope=b')).code).toBe('invalid_request');
  });

  it('treats an empty value as absent (RFC 6749 §3.1)', () => {
    const params = parseForm(form, 'grant_type=client_credentials&scope=');
    expect(params.has('scope')).toBe(false);
    expect(failure(() => required(params, 'scope')).toBody()).toEqual({ error: 'invalid_request', error_description: 'The parameter scope is missing' });
  });

  it.each([undefined, 'application/json', 'text/plain', 'multipart/form-data; boundary=x'])('refuses the content type %s', (type) => {
    expect(failure(() => parseForm(type, 'grant_type=client_credentials')).code).toBe('invalid_request');
  });

  it.each(['client_id=a%00b&client_secret=x', 'client_id=a&client_secret=x%00', 'client_id=a%00'])(
    'answers a NUL in client credentials (%s) as a failed client authentication, with a challenge',
    (body) => {
      const error = failure(() => parseForm(form, `grant_type=client_credentials&${body}`));
      expect(error.status).toBe(401);
      expect(error.toBody()).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed' });
      expect(error.headers['WWW-Authenticate']).toMatch(/^Basic realm=/);
    },
  );

  it.each(['grant_type=client%00credentials', 'scope=a%00', 'to%00ken=x', 'token=abc\u0000'])(
    'answers a NUL in any other parameter (%s) with invalid_request',
    (body) => {
      const error = failure(() => parseForm(form, body));
      expect(error.status).toBe(400);
      expect(error.code).toBe('invalid_request');
    },
  );

  it('takes a missing body as no parameters', () => {
    expect(parseForm(form, undefined).size).toBe(0);
  });
});
