import { describe, expect, it } from 'vitest';
import { readOpenIdParameters } from './openid-parameters.js';
import { clearedSessionCookie, sessionCookie } from './session-cookie.js';

describe('readOpenIdParameters', () => {
  it('reads prompt, max_age and the hints, and accepts the locale and display parameters', () => {
    const read = readOpenIdParameters({ prompt: 'login consent', max_age: '0', login_hint: 'ann', ui_locales: 'se en', display: 'touch' }, undefined);
    expect(read).toEqual({
      ok: true,
      value: expect.objectContaining({
        responseMode: 'query',
        prompt: ['login', 'consent'],
        maxAge: 0,
        loginHint: 'ann',
        uiLocales: 'se en',
        display: 'touch',
      }),
    });
  });

  it("applies the client's default_max_age only when the request has none", () => {
    expect(readOpenIdParameters({}, 300)).toMatchObject({ value: { maxAge: 300 } });
    expect(readOpenIdParameters({ max_age: '10' }, 300)).toMatchObject({ value: { maxAge: 10 } });
  });

  it.each([
    [{ max_age: '-1' }, 'max_age'],
    [{ max_age: '1.5' }, 'max_age'],
    [{ max_age: '99999999999' }, 'max_age'],
    [{ prompt: 'none login' }, 'prompt=none'],
    [{ prompt: 'select_account' }, 'prompt value'],
    [{ response_mode: 'fragment' }, 'response_mode'],
    [{ response_mode: 'web_message' }, 'response_mode'],
  ])('refuses %j', (values, words) => {
    const read = readOpenIdParameters(values, undefined);
    expect(read.ok).toBe(false);
    expect(read.ok ? '' : read.description).toContain(words);
  });

  it('reads form_post', () => {
    expect(readOpenIdParameters({ response_mode: 'form_post' }, undefined)).toMatchObject({ value: { responseMode: 'form_post' } });
  });
});

describe('sessionCookie', () => {
  it('is HttpOnly and SameSite=Lax, Secure for an https issuer; clearing it expires it at once', () => {
    expect(sessionCookie('tok', 60, true)).toBe('portcullis_session=tok; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure');
    expect(sessionCookie('tok', 60, false)).not.toContain('Secure');
    expect(clearedSessionCookie(true)).toBe('portcullis_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Secure');
  });
});
