import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSignInProvider, type SignInClient, type SignInProviderFixture } from '../tools/test/oidc-sign-in-provider.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { alertOf, HttpBrowser, type Page } from './support/http-browser.js';
import { pageText } from './support/page-session.js';
import { freePort, startService, type StartedService } from './support/processes.js';

/** Where the console's OpenID Provider sends the browser back (CONSOLE_OIDC_CALLBACK_PATH in the registry). */
const CALLBACK_PATH = '/console/sign-in/oidc/callback';
const STATE_COOKIE = 'console_oidc_state';
const SESSION_COOKIE = 'console_session';

/**
 * Operators signing in to the console through an external OpenID Provider (oidc-provider, on its own
 * port, with a login page of its own), end to end over real HTTP: the registry and the auth service
 * as processes on the real NATS and PostgreSQL, a browser's part played by a cookie jar following
 * redirects between the two sites. Only a verified email in CONSOLE_OIDC_OPERATORS is an operator;
 * the provider is down when the registry starts, and the registry is restarted with a shorter list.
 */
describeWithServices('operator console: sign in through an OpenID Provider', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(3).toString('hex');
  const email = (who: string) => `${who}-${runId}@example.test`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let idp: SignInProviderFixture | undefined;
  let idpPort: number;
  let registryPort: number;
  let client: SignInClient;

  /** The registry on its port and database, its operators being `operators`. */
  function startRegistry(operators: string[]): Promise<StartedService> {
    return startService('registry', {
      adminSecret,
      database: database.name,
      port: registryPort,
      readyTimeoutMs: 60_000,
      env: {
        PORTAL_PUBLIC_URL: `http://127.0.0.1:${registryPort}`,
        CONSOLE_OIDC_ISSUER: `http://127.0.0.1:${idpPort}`,
        CONSOLE_OIDC_CLIENT_ID: client.clientId,
        CONSOLE_OIDC_CLIENT_SECRET: client.clientSecret,
        CONSOLE_OIDC_NAME: 'Staff ID',
        CONSOLE_OIDC_OPERATORS: operators.join(','),
      },
    });
  }

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_console_oidc');
    [registryPort, idpPort] = await Promise.all([freePort(), freePort()]);
    client = {
      clientId: `console-${registryPort}`,
      clientSecret: randomBytes(24).toString('base64url'),
      redirectUri: `http://127.0.0.1:${registryPort}${CALLBACK_PATH}`,
    };
    // The provider is not listening yet: the registry must start all the same.
    [registry, auth] = await Promise.all([
      // Ada in another spelling: addresses are compared without regard to case.
      startRegistry([email('ada').toUpperCase(), email('bob'), email('mallory')]),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([registry, auth].filter(Boolean).map((service) => service.stop()));
    await idp?.close();
    await database?.drop();
  });

  async function consoleSessionCount(): Promise<number> {
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      return Number((await db.query<{ count: string }>('SELECT count(*) FROM registry.console_sessions')).rows[0]!.count);
    } finally {
      await db.end();
    }
  }

  /** From the console's button to the provider's login form: the page of that form. */
  async function toProvider(browser: HttpBrowser): Promise<Page> {
    const form = await browser.follow(await browser.get('/console/sign-in/oidc?next=/console/apis'));
    expect(form.url.origin, form.html.slice(0, 300)).toBe(idp!.issuer);
    expect(form.status).toBe(200);
    return form;
  }

  /** Signs in at the provider as `login` and stops at the redirect to the console's callback. */
  async function atCallback(browser: HttpBrowser, login: string): Promise<URL> {
    const form = await toProvider(browser);
    const answered = await browser.post(form.url, { login, action: 'login' });
    const back = await browser.follow(answered, (url) => url.pathname === CALLBACK_PATH);
    expect(back.location?.pathname, back.html.slice(0, 300)).toBe(CALLBACK_PATH);
    return back.location!;
  }

  /** The whole sign-in: the page the console finally answers. */
  async function signIn(browser: HttpBrowser, login: string): Promise<Page> {
    return browser.follow(await browser.get(await atCallback(browser, login)));
  }

  it('starts while the provider is down; the button answers a page saying so (502), not a 500', async () => {
    const form = await new HttpBrowser(registry.url).get('/console/sign-in');
    expect(form.status).toBe(200);
    expect(form.html).toContain('href="/console/sign-in/oidc"');
    expect(pageText(form.html)).toContain('Sign in with Staff ID');
    const button = await new HttpBrowser(registry.url).get('/console/sign-in/oidc');
    expect(button.status).toBe(502);
    expect(alertOf(button.html)).toMatch(/^Staff ID cannot be reached just now/);
    // Discovery was tried at start (and failed), not only at the click.
    expect(registry.logs()).toMatch(/OpenID Provider of the console http:\/\/127\.0\.0\.1:\d+ is reached over plain http/);
    expect(registry.logs()).toMatch(/could not be discovered/);

    idp = await startSignInProvider({ port: idpPort, clients: [client] });
    idp.accounts.set('ada', { email: email('ada'), email_verified: true });
    idp.accounts.set('bob', { email: email('bob'), email_verified: true });
    idp.accounts.set('eve', { email: email('eve'), email_verified: true });
    // On the list, but the provider has not verified the address: it could be anyone's.
    idp.accounts.set('mallory', { email: email('mallory'), email_verified: false });
  });

  it('keeps the sign-in’s state in an HttpOnly, SameSite=Lax cookie for the callback’s path only', async () => {
    const response = await fetch(`${registry.url}/console/sign-in/oidc`, { redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).origin).toBe(idp!.issuer);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith(`${STATE_COOKIE}=`));
    expect(cookie).toMatch(/; Path=\/console\/sign-in\/oidc(;|$)/);
    expect(cookie).toMatch(/; HttpOnly(;|$)/);
    expect(cookie).toMatch(/; SameSite=Lax(;|$)/);
  });

  let adaBrowser: HttpBrowser;
  let bobBrowser: HttpBrowser;

  it('signs a listed operator with a verified email in, to where they were going, named by their email', async () => {
    adaBrowser = new HttpBrowser(registry.url);
    const landed = await signIn(adaBrowser, 'ada');
    expect(landed.url.pathname).toBe('/console/apis');
    expect(landed.status, alertOf(landed.html)).toBe(200);
    expect(pageText(landed.html)).toContain(email('ada'));
    expect(adaBrowser.cookie(SESSION_COOKIE)).toBeDefined();
    expect(adaBrowser.cookie(STATE_COOKIE), 'the sign-in cookie is spent').toBeUndefined();
    bobBrowser = new HttpBrowser(registry.url);
    expect((await signIn(bobBrowser, 'bob')).url.pathname).toBe('/console/apis');
    expect((await bobBrowser.get('/console/apis')).status).toBe(200);
  });

  it('refuses a verified email that is not on the list: 403, no session, nothing stored', async () => {
    const before = await consoleSessionCount();
    const browser = new HttpBrowser(registry.url);
    const refused = await signIn(browser, 'eve');
    expect(refused.status).toBe(403);
    expect(pageText(refused.html)).toContain('You are not an operator here');
    expect(alertOf(refused.html)).toContain(email('eve'));
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await browser.get('/console/apis')).status).toBe(303);
    expect(await consoleSessionCount()).toBe(before);
  });

  it('refuses a listed email the provider has not verified: 403, no session', async () => {
    const before = await consoleSessionCount();
    const browser = new HttpBrowser(registry.url);
    const refused = await signIn(browser, 'mallory');
    expect(refused.status).toBe(403);
    expect(alertOf(refused.html)).toMatch(/^Staff ID has not verified your email address/);
    expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    expect((await browser.get('/console/apis')).status).toBe(303);
    expect(await consoleSessionCount()).toBe(before);
  });

  it('refuses a callback whose state is not the one this browser started with', async () => {
    const victim = new HttpBrowser(registry.url);
    const callback = await atCallback(victim, 'ada');
    const forged = new URL(callback);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    for (const [browser, url] of [
      [victim, forged],
      [new HttpBrowser(registry.url), callback],
    ] as const) {
      const refused = await browser.get(url);
      expect(refused.status).toBe(400);
      expect(alertOf(refused.html)).toMatch(/did not start in this browser/);
      expect(browser.cookie(SESSION_COOKIE)).toBeUndefined();
    }
    // The browser that started it still finishes it.
    const landed = await victim.follow(await victim.get(callback));
    expect(landed.url.pathname, alertOf(landed.html)).toBe('/console/apis');
  });

  it('ends the session of an operator taken off the list, at their next request after a restart', async () => {
    await registry.stop();
    registry = await startRegistry([email('bob')]);
    const gone = await adaBrowser.get('/console/apis');
    expect(gone.status).toBe(303);
    expect(gone.location?.pathname).toBe('/console/sign-in');
    expect(adaBrowser.cookie(SESSION_COOKIE), 'the session cookie is cleared').toBeUndefined();
    expect((await bobBrowser.get('/console/apis')).status).toBe(200);
    // And signing in again is refused.
    const refused = await signIn(new HttpBrowser(registry.url), 'ada');
    expect(refused.status).toBe(403);
  });
});
