import { describe, expect, it } from 'vitest';
import { errorPage } from './error-page.js';
import { escapeHtml, html, SafeHtml } from './html.js';
import { loginPage } from './login-page.js';

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
