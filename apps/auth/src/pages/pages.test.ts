import { describe, expect, it } from 'vitest';
import { errorPage } from './error-page.js';
import { escapeHtml, html, SafeHtml } from './html.js';
import { loginPage } from './login-page.js';
import { formPostPage, formPostScript } from './form-post-page.js';
import { logoutConfirmPage, signedOutPage } from './signed-out-page.js';

describe('html', () => {
  it('escapes every interpolated value, attributes included', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    expect(html`<p title="${'"><script>'}">${'<b>'}</p>`.value).toBe('<p title="&quot;&gt;&lt;script&gt;">&lt;b&gt;</p>');
  });

  it('inserts SafeHtml and arrays of it as they are', () => {
    expect(html`<ul>${['a', 'b'].map((item) => html`<li>${item}</li>`)}</ul>`.value).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html`${new SafeHtml('<br>')}${undefined}${null}${false}`.value).toBe('<br>');
  });
});

describe('loginPage', () => {
  const hostile = '"><script>alert(1)</script>';
  const page = loginPage({
    clientName: hostile,
    scopes: ['read', hostile],
    hidden: { client_id: hostile, state: 'a&b', nonce: undefined },
    csrfToken: 'tok.en.mac',
    csrfField: 'csrf_token',
    username: hostile,
    error: hostile,
  });

  it('never lets a request value become markup', () => {
    expect(page).not.toContain('<script>');
    expect(page.match(/&lt;script&gt;/g)?.length).toBe(5);
  });

  it('carries the request, the CSRF token and labelled fields, and leaves out absent values', () => {
    expect(page).toContain('<input type="hidden" name="state" value="a&amp;b">');
    expect(page).toContain('<input type="hidden" name="csrf_token" value="tok.en.mac">');
    expect(page).not.toContain('name="nonce"');
    expect(page).toContain('<label for="username">');
    expect(page).toContain('<label for="password">');
    expect(page).toContain('role="alert"');
    // Implicit submission (Enter) uses the first button: Allow, never Deny.
    expect(page.indexOf('value="approve"')).toBeGreaterThan(0);
    expect(page.indexOf('value="approve"')).toBeLessThan(page.indexOf('value="deny"'));
    expect(page).toMatch(/<button type="submit" name="decision" value="deny" formnovalidate>/);
  });
});

describe('errorPage', () => {
  it('escapes its message', () => {
    expect(errorPage('Error', '<img src=x>')).toContain('&lt;img src=x&gt;');
  });
});

describe('the OpenID pages', () => {
  const hostile = '"><script>alert(1)</script>';

  it('asks a signed-in user only for consent: no password field', () => {
    const page = loginPage({ clientName: 'RP', scopes: ['openid'], hidden: {}, csrfToken: 't', csrfField: 'csrf_token', signedIn: true });
    expect(page).toContain('Allow access');
    expect(page).not.toContain('name="password"');
    expect(page).toContain('value="approve"');
  });

  it('form_post: escapes the target and the values; its one script is the hashed one', () => {
    const page = formPostPage(`https://rp.test/cb?x=${hostile}`, { code: hostile, state: undefined });
    expect(page).not.toContain('<script>alert');
    expect(page).toContain('<input type="hidden" name="code" value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">');
    expect(page).not.toContain('name="state"');
    expect([...page.matchAll(/<script>([^<]*)<\/script>/g)].map((m) => m[1])).toEqual([formPostScript]);
  });

  it('the logout confirmation carries the request and the CSRF token, escaped', () => {
    const page = logoutConfirmPage({ hidden: { client_id: hostile }, csrfToken: 'tok', csrfField: 'csrf_token' });
    expect(page).toContain('name="csrf_token" value="tok"');
    expect(page).not.toContain('<script>');
    expect(signedOutPage()).toContain('signed out');
  });
});
