import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSignInProvider, type SignInProviderFixture } from '../tools/test/oidc-sign-in-provider.js';
import { describeInBrowser, requireChromium, watchPageProblems } from './support/chromium.js';
import { createScratchDatabase } from './support/database.js';
import { portalClient, portalOidcEnv } from './support/portal-oidc.js';
import { freePort, startService, type StartedService } from './support/processes.js';

/** Kept by the run (gitignored): what each step of the journey looked like. */
const screenshots = fileURLToPath(new URL('../test-results/portal-oidc/', import.meta.url));

/**
 * Signing in to the developer portal through an external OpenID Provider in a real browser
 * (headless Chromium by playwright-core): the registry as a process on the machine's NATS and
 * PostgreSQL, oidc-provider on its own port with its own login page. The journey a developer makes:
 * a page that needs them, the login page, the provider, back where they were going, logged out.
 */
describeInBrowser('the portal OpenID sign-in browser test')('developer portal in a browser: sign in through an OpenID Provider', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const email = `ada-${randomBytes(3).toString('hex')}@example.test`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let idp: SignInProviderFixture;
  let registry: StartedService;
  let browser: Browser;
  /** Content-Security-Policy violations and script errors on the portal's pages: there must be none. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    const executablePath = requireChromium();
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    database = await createScratchDatabase('portcullis_e2e_portal_oidc_browser');
    const [registryPort, idpPort] = await Promise.all([freePort(), freePort()]);
    const client = portalClient(registryPort);
    // This provider puts the email in the ID Token (the HTTP test's leaves it to userinfo): both ways are run.
    idp = await startSignInProvider({ port: idpPort, clients: [client], claimsInIdToken: true });
    idp.accounts.set('ada', { email, email_verified: true });
    registry = await startService('registry', {
      adminSecret,
      database: database.name,
      port: registryPort,
      env: portalOidcEnv(registryPort, idp.issuer, client),
      readyTimeoutMs: 60_000,
    });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await registry?.stop();
    await idp?.close();
    await database?.drop();
  });

  it('goes from a page that needs a login, through the provider’s login page, back to that page; then logs out', async () => {
    const context = await browser.newContext({ baseURL: registry.url });
    watchPageProblems(context, pageProblems);
    const page = await context.newPage();

    await page.goto('/portal/apps');
    expect(new URL(page.url()).pathname).toBe('/portal/login');
    await page.screenshot({ path: `${screenshots}01-login.png`, fullPage: true });
    await page.getByRole('link', { name: 'Sign in with Acme ID' }).click();

    await expect.poll(() => new URL(page.url()).origin).toBe(idp.issuer);
    await page.getByLabel('Login').fill('ada');
    await page.getByRole('button', { name: 'Sign in' }).click();

    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/apps');
    expect(new URL(page.url()).origin).toBe(registry.url);
    await expect.poll(() => page.getByText(email).count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${screenshots}02-signed-in.png`, fullPage: true });
    // The account exists, made by this first sign-in.
    const developers = (await (await fetch(`${registry.url}/admin/portal/developers`, { headers: { authorization: `Bearer ${adminSecret}` } })).json()) as {
      email: string;
    }[];
    expect(developers.map((developer) => developer.email)).toEqual([email]);
    expect(idp.userinfoRequests(), 'the email came with the ID Token').toBe(0);

    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You are logged out');
    expect(pageProblems).toEqual([]);
    await context.close();
  });
});
