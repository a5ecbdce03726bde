import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSignInProvider, type SignInClient, type SignInProviderFixture } from '../tools/test/oidc-sign-in-provider.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { alertOf, HttpBrowser, type Page } from './support/http-browser.js';
import { OIDC_CALLBACK_PATH, portalClient, portalOidcEnv } from './support/portal-oidc.js';
import { freePort, startService, type StartedService } from './support/processes.js';

const STATE_COOKIE = 'portal_oidc_state';

/**
 * The developer portal signing developers in through an external OpenID Provider (oidc-provider, on
 * its own port, with a login page of its own), end to end over real HTTP: the registry as a process
 * on the real NATS and PostgreSQL, a browser's part played by a cookie jar following redirects
 * between the two sites. The provider is down when the registry starts and comes up after; a second
 * registry (its own database) has password sign-in turned off.
 */
describeWithServices('developer portal: sign in through an OpenID Provider', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const runId = randomBytes(3).toString('hex');
  const email = (who: string) => `${who}-${runId}@example.test`;
  const databases: Awaited<ReturnType<typeof createScratchDatabase>>[] = [];
  let registry: StartedService;
  let passwordless: StartedService;
  let idp: SignInProviderFixture | undefined;
  let idpPort: number;
  let clients: SignInClient[];

  const oidcEnv = (port: number, client: SignInClient) => portalOidcEnv(port, `http://127.0.0.1:${idpPort}`, client);

  beforeAll(async () => {
    databases.push(await createScratchDatabase('portcullis_e2e_portal_oidc'), await createScratchDatabase('portcullis_e2e_portal_oidc_only'));
    const [registryPort, passwordlessPort] = await Promise.all([freePort(), freePort()]);
    idpPort = await freePort();
    clients = [registryPort, passwordlessPort].map(portalClient);
    // The provider is not listening yet: the registries must start all the same.
    [registry, passwordless] = await Promise.all([
      startService('registry', {
        adminSecret,
        database: databases[0]!.name,
        port: registryPort,
        env: oidcEnv(registryPort, clients[0]!),
        readyTimeoutMs: 60_000,
      }),
      startService('registry', {
        adminSecret,
        database: databases[1]!.name,
        port: passwordlessPort,
        env: { ...oidcEnv(passwordlessPort, clients[1]!), PORTAL_PASSWORD_LOGIN: 'false' },
        readyTimeoutMs: 60_000,
      }),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([registry?.stop(), passwordless?.stop()]);
    await idp?.close();
    await Promise.allSettled(databases.map((database) => database.drop()));
  });

  async function developers(portal = registry): Promise<{ id: string; email: string; status: string }[]> {
    const response = await fetch(`${portal.url}/admin/portal/developers`, { headers: { authorization: `Bearer ${adminSecret}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as { id: string; email: string; status: string }[];
  }

  /** From the portal's button to the provider's login form: the page of that form. */
  async function toProvider(browser: HttpBrowser): Promise<Page> {
    const form = await browser.follow(await browser.get('/portal/login/oidc?next=/portal/apps'));
    expect(form.url.origin, form.html.slice(0, 300)).toBe(idp!.issuer);
    expect(form.status).toBe(200);
    return form;
  }

  /** Signs in at the provider as `login` (or cancels) and stops at the redirect to the portal's callback. */
  async function atCallback(browser: HttpBrowser, login: string, action: 'login' | 'deny' = 'login'): Promise<URL> {
    const form = await toProvider(browser);
    const answered = await browser.post(form.url, { login, action });
    const back = await browser.follow(answered, (url) => url.pathname === OIDC_CALLBACK_PATH);
    expect(back.location?.pathname, back.html.slice(0, 300)).toBe(OIDC_CALLBACK_PATH);
    return back.location!;
  }

  /** The whole sign-in: the page the portal finally answers. */
  async function signIn(browser: HttpBrowser, login: string): Promise<Page> {
    return browser.follow(await browser.get(await atCallback(browser, login)));
  }

  it('starts while the provider is down; the button answers a page saying so (502), not a 500', async () => {
    const login = await new HttpBrowser(registry.url).get('/portal/login');
    expect(login.status).toBe(200);
    expect(login.html).toContain('Sign in with Acme ID');
    expect(login.html).toContain('name="password"');
    const button = await new HttpBrowser(registry.url).get('/portal/login/oidc');
    expect(button.status).toBe(502);
    expect(alertOf(button.html)).toMatch(/^Acme ID cannot be reached just now/);
    expect(registry.logs()).toMatch(/could not be discovered/);

    idp = await startSignInProvider({ port: idpPort, clients });
    idp.accounts.set('ada', { email: email('ada'), email_verified: true });
  });

  let adaId: string;

  it('a first sign-in makes the developer an account and logs them in', async () => {
    const browser = new HttpBrowser(registry.url);
    const landed = await signIn(browser, 'ada');
    expect(landed.url.pathname).toBe('/portal/apps');
    expect(landed.status, alertOf(landed.html)).toBe(200);
    expect(landed.html).toContain(email('ada'));
    expect(browser.cookie('portal_session')).toBeDefined();
    expect(browser.cookie(STATE_COOKIE), 'the sign-in cookie is spent').toBeUndefined();
    const made = (await developers()).filter((developer) => developer.email === email('ada'));
    expect(made).toEqual([expect.objectContaining({ status: 'active' })]);
    adaId = made[0]!.id;
    expect(idp!.userinfoRequests(), 'this provider gives the email at userinfo only').toBe(1);
    // The account has no password to guess: the password form refuses it like any wrong one.
    const password = await new HttpBrowser(registry.url).submit('/portal/login', '/portal/login', { email: email('ada'), password: 'any-password-at-all' });
    expect(password.status).toBe(401);
  });

  it('signing in again with the same verified email (another provider account, other spelling) is the same account', async () => {
    idp!.accounts.set('ada-work', { email: email('ada').toUpperCase(), email_verified: true });
    for (const login of ['ada', 'ada-work']) {
      const landed = await signIn(new HttpBrowser(registry.url), login);
      expect(landed.url.pathname, alertOf(landed.html)).toBe('/portal/apps');
      expect(landed.html).toContain(email('ada'));
    }
    expect((await developers()).filter((developer) => developer.email === email('ada')).map((developer) => developer.id)).toEqual([adaId]);
  });

  it('links an existing password account with the same verified email; its password still works', async () => {
    const password = 'a-long-enough-password';
    const signedUp = await new HttpBrowser(registry.url).submit('/portal/signup', '/portal/signup', { email: email('grace'), password });
    expect(signedUp.status).toBe(303);
    const [before] = (await developers()).filter((developer) => developer.email === email('grace'));
    idp!.accounts.set('grace', { email: email('grace'), email_verified: true });
    const landed = await signIn(new HttpBrowser(registry.url), 'grace');
    expect(landed.url.pathname, alertOf(landed.html)).toBe('/portal/apps');
    expect(landed.html).toContain(email('grace'));
    expect((await developers()).filter((developer) => developer.email === email('grace'))).toEqual([before]);
    const loggedIn = await new HttpBrowser(registry.url).submit('/portal/login', '/portal/login', { email: email('grace'), password });
    expect(loggedIn.status).toBe(303);
  });

  it('refuses an email the provider has not verified: no session, no account, no link', async () => {
    const count = (await developers()).length;
    // Someone else's address, unverified: it must not open ada's account.
    idp!.accounts.set('mallory', { email: email('ada'), email_verified: false });
    idp!.accounts.set('mallory-new', { email: email('mallory'), email_verified: false });
    for (const login of ['mallory', 'mallory-new']) {
      const browser = new HttpBrowser(registry.url);
      const refused = await signIn(browser, login);
      expect(refused.status).toBe(403);
      expect(alertOf(refused.html)).toMatch(/^Acme ID has not verified your email address/);
      expect(browser.cookie('portal_session')).toBeUndefined();
      expect((await browser.get('/portal/apps')).status).toBe(303);
    }
    expect((await developers()).length).toBe(count);
  });

  it('refuses a callback whose state is not the one this browser started with, and takes nothing from the sign-in', async () => {
    const victim = new HttpBrowser(registry.url);
    const callback = await atCallback(victim, 'ada');
    // An attacker's callback URL in someone else's browser, with its own sign-in under way, or none.
    const other = new HttpBrowser(registry.url);
    await toProvider(other);
    expect(other.cookie(STATE_COOKIE)).toBeDefined();
    for (const browser of [other, new HttpBrowser(registry.url)]) {
      const refused = await browser.get(callback);
      expect(refused.status).toBe(400);
      expect(alertOf(refused.html)).toMatch(/did not start in this browser/);
      expect(browser.cookie('portal_session')).toBeUndefined();
    }
    // A state of the right shape but not the browser's cookie's.
    const forged = new URL(callback);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    expect((await victim.get(forged)).status).toBe(400);
    // The browser that started it still finishes it.
    const landed = await victim.follow(await victim.get(callback));
    expect(landed.url.pathname, alertOf(landed.html)).toBe('/portal/apps');
  });

  it('refuses a replayed callback, even with the state cookie copied', async () => {
    const browser = new HttpBrowser(registry.url);
    const callback = await atCallback(browser, 'ada');
    const state = browser.cookie(STATE_COOKIE)!;
    expect((await browser.get(callback)).status).toBe(303);
    const replayer = new HttpBrowser(registry.url);
    replayer.setCookie(STATE_COOKIE, state);
    const replayed = await replayer.get(callback);
    expect(replayed.status).toBe(400);
    expect(alertOf(replayed.html)).toMatch(/completed already/);
    expect(replayer.cookie('portal_session')).toBeUndefined();
  });

  it('shows the provider’s error answer as a page (the developer cancelled), not a 500', async () => {
    const browser = new HttpBrowser(registry.url);
    const callback = await atCallback(browser, 'ada', 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    const page = await browser.get(callback);
    expect(page.status).toBe(403);
    expect(alertOf(page.html)).toBe('Acme ID did not sign you in (access_denied: The person cancelled the sign-in).');
    expect(browser.cookie('portal_session')).toBeUndefined();
  });

  it('with PORTAL_PASSWORD_LOGIN=false, offers only the provider; every password address says it is off', async () => {
    const browser = new HttpBrowser(passwordless.url);
    const login = await browser.get('/portal/login');
    expect(login.status).toBe(200);
    expect(login.html).toContain('Sign in with Acme ID');
    expect(login.html).not.toContain('name="password"');
    // No page offers these forms any more (so none carries a CSRF token): they are refused before one is looked at.
    const csrf = 'no-form-offers-this';
    const attempts = [
      await browser.post('/portal/login', { _csrf: csrf, email: email('eve'), password: 'a-long-enough-password' }),
      await browser.get('/portal/signup'),
      await browser.post('/portal/signup', { _csrf: csrf, email: email('eve'), password: 'a-long-enough-password' }),
      await browser.get(`/portal/reset/${randomBytes(32).toString('base64url')}`),
      await browser.post(`/portal/reset/${randomBytes(32).toString('base64url')}`, { _csrf: csrf, password: 'a-long-enough-password' }),
    ];
    for (const refused of attempts) {
      expect(refused.status, refused.url.href).toBe(404);
      expect(alertOf(refused.html)).toMatch(/^This portal signs developers in with Acme ID only/);
    }
    expect(await developers(passwordless)).toEqual([]);
    idp!.accounts.set('eve', { email: email('eve'), email_verified: true });
    const landed = await signIn(browser, 'eve');
    expect(landed.url.pathname, alertOf(landed.html)).toBe('/portal/apps');
    expect((await developers(passwordless)).map((developer) => developer.email)).toEqual([email('eve')]);
  });
});
