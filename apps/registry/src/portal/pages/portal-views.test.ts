import { describe, expect, it } from 'vitest';
import { renderView } from './portal-views.js';

const frame = { title: 'Sign up', developer: null, csrf: 'csrf-token' };

describe('renderView', () => {
  it('escapes what visitors and admins typed', () => {
    const html = renderView('signup', {
      ...frame,
      email: '"><script>alert(1)</script>',
      error: 'Bad <b>input</b>',
      details: [{ field: 'password', message: '<i>short</i>' }],
    });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('<p class="alert" role="alert" id="form-errors">Bad &lt;b&gt;input&lt;/b&gt;</p>');
    expect(html).toContain('<li>&lt;i&gt;short&lt;/i&gt;</li>');
  });

  it('frames every page with landmarks, the stylesheet and the CSRF token in its forms', () => {
    const html = renderView('login', { ...frame, title: 'Log in', nav: 'login' });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(html).toContain('<link rel="stylesheet" href="/portal/static/portal.css">');
    expect(html).toContain('<main id="main"');
    expect(html).toContain('<nav aria-label="Main">');
    expect(html).toContain('<input type="hidden" name="_csrf" value="csrf-token">');
    expect(html).toContain('<label for="password">Password</label>');
    expect(html).toContain('<a href="/portal/login" aria-current="page">Log in</a>');
  });

  it('offers the OpenID Provider on the login page when there is one, and the password form unless it is off', () => {
    const both = renderView('login', { ...frame, title: 'Log in', oidcName: 'Acme <ID>', passwordLogin: true, next: '/portal/apps' });
    expect(both).toContain('<a class="button" href="/portal/login/oidc?next=%2Fportal%2Fapps">Sign in with Acme &lt;ID&gt;</a>');
    expect(both).toContain('name="password"');
    const only = renderView('login', { ...frame, title: 'Log in', oidcName: 'Acme ID', passwordLogin: false });
    expect(only).toContain('Sign in with Acme ID');
    expect(only).not.toContain('name="password"');
    expect(renderView('login', { ...frame, title: 'Log in', oidcName: null, passwordLogin: true })).not.toContain('/portal/login/oidc');
  });

  it('shows a logged-in developer a logout form, never a login link', () => {
    const html = renderView('apps', { ...frame, title: 'My apps', developer: { email: 'dev@example.com' }, apps: [] });
    expect(html).toContain('action="/portal/logout"');
    expect(html).not.toContain('href="/portal/login"');
    expect(html).toContain('dev@example.com');
  });

  it('marks the credentials and the curl example for copying', () => {
    const html = renderView('credentials', {
      ...frame,
      title: 'Credentials',
      developer: { email: 'dev@example.com' },
      app: { id: 'a1', name: 'Billing' },
      rotated: false,
      secretNoun: 'API key',
      values: [{ kind: 'api_key', label: 'API key', value: 'k3y' }],
      curlIntro: 'Call the API:',
      curl: "curl -i 'http://gw/orders/' -H 'Authorization: k3y'",
    });
    expect(html).toContain('<code id="cred-api_key" data-credential="api_key">k3y</code>');
    expect(html).toContain(
      '<pre id="curl-example" data-curl tabindex="0"><code>curl -i &#39;http://gw/orders/&#39; -H &#39;Authorization: k3y&#39;</code></pre>',
    );
    expect(html).toContain('data-copy="cred-api_key"');
  });
});

describe('form errors', () => {
  it('mark the fields they name invalid and say so in the title', () => {
    const html = renderView('signup', {
      ...frame,
      error: 'The request is not valid',
      details: [{ field: 'password', message: 'must be at least 10 characters' }],
    });
    expect(html).toContain('<title>Error: Sign up · Developer portal</title>');
    expect(html).toMatch(/id="password" name="password" aria-invalid="true"/);
    expect(html).not.toMatch(/id="email" name="email" aria-invalid/);
  });
});
