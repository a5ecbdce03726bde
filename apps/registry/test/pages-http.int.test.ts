import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices, dropScratchSchemas, testServices } from '../../../tools/test/with-services.js';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

/**
 * The portal pages' HTTP contract, on a registry with PORTAL_REQUIRE_APPROVAL and an https public URL:
 * cookie attributes, CSRF before login, session id renewed at login, pending accounts, headers.
 * (The browser journey is e2e/portal-browser.e2e.test.ts.)
 */
describeWithServices('portal pages over HTTP', () => {
  const secret = `pages-http-${randomBytes(8).toString('hex')}`;
  const schema = `registry_pages_${randomBytes(6).toString('hex')}`;
  let registry: RunningService;

  beforeAll(async () => {
    const transport = createBusTransport({
      kind: 'nats',
      servers: [testServices.natsUrl],
      subjectPrefix: `${testServices.subjectPrefix}p${randomBytes(4).toString('hex')}.`,
      name: 'pages-http-int',
    });
    const config = loadRegistryConfig({
      NATS_URL: testServices.natsUrl,
      REGISTRY_PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_SECRET: secret,
      LOG_LEVEL: 'silent',
      PORTAL_REQUIRE_APPROVAL: 'true',
      PORTAL_PUBLIC_URL: 'https://portal.example.com',
    });
    registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  });

  afterAll(async () => {
    await registry?.close();
    await dropScratchSchemas(schema);
  });

  /** A cookie jar and the last page's CSRF token: a browser without a browser. */
  function visitor() {
    const jar = new Map<string, string>();
    let csrf = '';
    const send = async (method: string, path: string, form?: Record<string, string>) => {
      const response = await fetch(`${registry.url}${path}`, {
        method,
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; '),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const [name, value] = [pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1)];
        if (value === '') jar.delete(name);
        else jar.set(name, value);
      }
      const html = await response.text();
      csrf = /name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? csrf;
      return { status: response.status, headers: response.headers, html };
    };
    return { jar, send, csrf: () => csrf };
  }

  it('before login, a page sets an HttpOnly, SameSite=Lax, Secure (https portal) CSRF cookie scoped to /portal', async () => {
    const page = await fetch(`${registry.url}/portal/login`);
    expect(page.status).toBe(200);
    const [cookie] = page.headers.getSetCookie();
    expect(cookie).toMatch(/^portal_csrf=[A-Za-z0-9_-]{43}; Path=\/portal; HttpOnly; Secure; SameSite=Lax$/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });

  it("the login form needs the CSRF token of the visitor's own cookie", async () => {
    const alice = visitor();
    const mallory = visitor();
    await alice.send('GET', '/portal/login');
    await mallory.send('GET', '/portal/login');
    expect((await alice.send('POST', '/portal/login', { email: 'a@example.com', password: 'whatever-password' })).status).toBe(403);
    expect((await alice.send('POST', '/portal/login', { email: 'a@example.com', password: 'whatever-password', _csrf: mallory.csrf() })).status).toBe(403);
    expect((await alice.send('POST', '/portal/login', { email: 'a@example.com', password: 'whatever-password', _csrf: alice.csrf() })).status).toBe(401);
  });

  it('a pending account is told so; once approved it logs in with a new session cookie, and the pre-login token is void', async () => {
    const email = `pending-${randomBytes(4).toString('hex')}@example.com`;
    const dev = visitor();
    await dev.send('GET', '/portal/signup');
    const signedUp = await dev.send('POST', '/portal/signup', { email, password: 'long enough password', _csrf: dev.csrf() });
    expect(signedUp.status).toBe(303);
    expect(signedUp.headers.get('location')).toBe('/portal/login?done=signed-up-pending');
    expect((await dev.send('GET', '/portal/login?done=signed-up-pending')).html).toContain('waiting for an administrator');
    const pending = await dev.send('POST', '/portal/login', { email, password: 'long enough password', _csrf: dev.csrf() });
    expect(pending.status).toBe(403);
    expect(pending.html).toMatch(/role="alert"[^>]*>Your account is waiting for an administrator/);

    const developers = (await (await fetch(`${registry.url}/admin/portal/developers`, { headers: { authorization: `Bearer ${secret}` } })).json()) as {
      id: string;
      email: string;
    }[];
    const id = developers.find((developer) => developer.email === email)!.id;
    await fetch(`${registry.url}/admin/portal/developers/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });

    const preLoginToken = dev.csrf();
    const loggedIn = await dev.send('POST', '/portal/login', { email, password: 'long enough password', _csrf: preLoginToken, next: 'https://evil.example/' });
    expect(loggedIn.status).toBe(303);
    expect(loggedIn.headers.get('location')).toBe('/portal/apps');
    const cookies = loggedIn.headers.getSetCookie();
    expect(cookies.find((cookie) => cookie.startsWith('portal_session='))).toMatch(
      /^portal_session=[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/portal; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(dev.jar.has('portal_csrf')).toBe(false);
    const apps = await dev.send('GET', '/portal/apps');
    expect(apps.status).toBe(200);
    expect(apps.html).toContain(email);
    // The token from before login is bound to the old cookie: logging out with it does nothing.
    expect((await dev.send('POST', '/portal/logout', { _csrf: preLoginToken })).status).toBe(403);
    expect((await dev.send('POST', '/portal/logout', { _csrf: dev.csrf() })).status).toBe(303);
    expect((await dev.send('GET', '/portal/apps')).headers.get('location')).toBe('/portal/login?next=%2Fportal%2Fapps');
    // Logging out again (an old tab) just lands on the portal.
    const again = await dev.send('POST', '/portal/logout', { _csrf: 'from-the-old-tab' });
    expect([again.status, again.headers.get('location')]).toEqual([303, '/portal?done=logged-out']);
  });

  it('logging in again in the same browser ends the session it had', async () => {
    const tag = randomBytes(4).toString('hex');
    const emails = [`again-a-${tag}@example.com`, `again-b-${tag}@example.com`];
    const dev = visitor();
    await dev.send('GET', '/portal/signup');
    for (const email of emails)
      expect((await dev.send('POST', '/portal/signup', { email, password: 'long enough password', _csrf: dev.csrf() })).status).toBe(303);
    const developers = (await (await fetch(`${registry.url}/admin/portal/developers`, { headers: { authorization: `Bearer ${secret}` } })).json()) as {
      id: string;
      email: string;
    }[];
    for (const email of emails) {
      const id = developers.find((developer) => developer.email === email)!.id;
      await fetch(`${registry.url}/admin/portal/developers/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    }
    await dev.send('GET', '/portal/login');
    expect((await dev.send('POST', '/portal/login', { email: emails[0]!, password: 'long enough password', _csrf: dev.csrf() })).status).toBe(303);
    const first = dev.jar.get('portal_session')!;
    await dev.send('GET', '/portal/apps');
    expect((await dev.send('POST', '/portal/login', { email: emails[1]!, password: 'long enough password', _csrf: dev.csrf() })).status).toBe(303);
    expect(dev.jar.get('portal_session')).not.toBe(first);
    expect((await dev.send('GET', '/portal/apps')).html).toContain(emails[1]);
    const withTheOldCookie = await fetch(`${registry.url}/portal/apps`, { redirect: 'manual', headers: { cookie: `portal_session=${first}` } });
    expect(withTheOldCookie.headers.get('location')).toBe('/portal/login?next=%2Fportal%2Fapps');
  });

  it('a pending account is told so only with its right password', async () => {
    const email = `waiting-${randomBytes(4).toString('hex')}@example.com`;
    const dev = visitor();
    await dev.send('GET', '/portal/signup');
    expect((await dev.send('POST', '/portal/signup', { email, password: 'long enough password', _csrf: dev.csrf() })).status).toBe(303);
    const guess = await dev.send('POST', '/portal/login', { email, password: 'a wrong guess here', _csrf: dev.csrf() });
    expect(guess.status).toBe(401);
    expect(guess.html).toContain('The email or password is not right.');
    expect(guess.html).not.toContain('waiting for an administrator');
  });

  it('sign-up answers a taken email exactly as a new one (same redirect, same notice), and leaves the account as it was', async () => {
    const email = `taken-${randomBytes(4).toString('hex')}@example.com`;
    const dev = visitor();
    await dev.send('GET', '/portal/signup');
    const first = await dev.send('POST', '/portal/signup', { email, password: 'long enough password', _csrf: dev.csrf() });
    const again = await dev.send('POST', '/portal/signup', { email: email.toUpperCase(), password: 'a different password', _csrf: dev.csrf() });
    expect([again.status, again.headers.get('location')]).toEqual([first.status, first.headers.get('location')]);
    expect(again.status).toBe(303);
    expect(again.html).not.toContain('already');
    expect((await dev.send('GET', again.headers.get('location')!)).html).toContain('If this email had an account already, it is unchanged');
    const developers = (await (await fetch(`${registry.url}/admin/portal/developers`, { headers: { authorization: `Bearer ${secret}` } })).json()) as {
      id: string;
      email: string;
    }[];
    expect(developers.filter((developer) => developer.email === email)).toHaveLength(1);
    // The approval flow is the first sign-up's: the second password opened nothing.
    const id = developers.find((developer) => developer.email === email)!.id;
    await fetch(`${registry.url}/admin/portal/developers/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    expect((await dev.send('POST', '/portal/login', { email, password: 'a different password', _csrf: dev.csrf() })).status).toBe(401);
    expect((await dev.send('POST', '/portal/login', { email, password: 'long enough password', _csrf: dev.csrf() })).status).toBe(303);
  });

  it('after five wrong passwords the account is locked: 429 with Retry-After and a page that says for how long', async () => {
    const email = `guessed-${randomBytes(4).toString('hex')}@example.com`;
    const guesser = visitor();
    await guesser.send('GET', '/portal/login');
    for (let i = 0; i < 4; i += 1)
      expect((await guesser.send('POST', '/portal/login', { email, password: `guess number ${i}`, _csrf: guesser.csrf() })).status).toBe(401);
    const locked = await guesser.send('POST', '/portal/login', { email, password: 'guess number 5', _csrf: guesser.csrf() });
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('900');
    expect(locked.html).toMatch(/role="alert"[^>]*>Too many failed attempts to log in to this account\. Try again in 15 minutes/);
  });

  it('answers unknown entries, apps and reset links with pages, and serves its own stylesheet', async () => {
    const unknown = await fetch(`${registry.url}/portal/apis/not-a-uuid`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');
    expect(await unknown.text()).toContain('role="alert"');
    expect((await fetch(`${registry.url}/portal/apis/00000000-0000-4000-8000-000000000000/openapi.json`)).status).toBe(404);
    expect((await fetch(`${registry.url}/portal/reset/no-such-token`)).status).toBe(404);
    const css = await fetch(`${registry.url}/portal/static/portal.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(css.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(await css.text()).toContain(':focus-visible');
  });
});
