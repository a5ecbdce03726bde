import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDcrProvider } from '../tools/test/oidc-dcr-provider.js';
import { describeInBrowser, requireChromium, watchPageProblems } from './support/chromium.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

const run = promisify(execFile);

const describeInChromium = describeInBrowser('the portal browser test');
/** Kept by the run (gitignored): what each step of the journey looked like. */
const screenshots = fileURLToPath(new URL('../test-results/portal/', import.meta.url));

/**
 * The developer portal in a real browser: the admin publishes an API through the admin API, then
 * developers go through the whole journey on the pages, headless Chromium driven by playwright-core,
 * against the registry, the auth service and a gateway as processes on the machine's NATS and
 * PostgreSQL. The curl example on the credentials page is run as printed, through the real gateway.
 */
describeInChromium('developer portal in a browser: sign up, catalogue, app, credentials, rotate, delete', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const suffix = randomBytes(4).toString('hex');
  const apiId = `portal-orders-${suffix}`;
  const listenPath = `/portal-orders-${suffix}/`;
  const password = 'correct horse battery staple';
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: Upstream;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let browser: Browser;
  let entryId: string;
  let shot = 0;
  /** Content-Security-Policy violations and script errors on any page: there must be none. */
  const pageProblems: string[] = [];

  beforeAll(async () => {
    const executablePath = requireChromium();
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    [database, upstream] = await Promise.all([createScratchDatabase('portcullis_e2e_portal_pages'), startUpstream()]);
    const [registryPort, gatewayPort] = await Promise.all([freePort(), freePort()]);
    const publicUrls = { PORTAL_PUBLIC_URL: `http://127.0.0.1:${registryPort}`, GATEWAY_PUBLIC_URL: `http://127.0.0.1:${gatewayPort}` };
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, port: registryPort, env: publicUrls, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, port: gatewayPort });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });

    // The admin's side, through the admin API: a policy, an API taking API keys, a catalogue entry.
    await adminCall('POST', '/admin/policies', {
      id: `portal-gold-${suffix}`,
      name: 'Gold',
      rate: 100,
      per: 60,
      quota_max: -1,
      access_rights: { [apiId]: { api_id: apiId, versions: ['Default'], allowed_urls: [] } },
    });
    await adminCall('POST', '/admin/apis', {
      api_id: apiId,
      name: 'Orders',
      proxy: { listen_path: listenPath, target_url: upstream.url, strip_listen_path: true },
    });
    const entry = await adminCall('POST', '/admin/portal/catalogue', {
      api_id: apiId,
      policy_id: `portal-gold-${suffix}`,
      name: 'Orders API',
      description: 'Place and track orders.',
      documentation:
        '# Getting started\n\nSend your key in the `Authorization` header.\n\n<script>window.pwned = 1</script>\n\n[Status page](https://status.example.com)',
      openapi: { openapi: '3.1.0', info: { title: 'Orders', version: '1.0.0' }, paths: { '/orders': { get: { summary: 'List orders' } } } },
      credential_kind: 'api_key',
    });
    entryId = entry.id;
    await waitFor(async () => (await fetch(`${gateway.url}${listenPath}`)).status === 401, { timeoutMs: 10_000, message: 'the gateway to serve the API' });

    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  async function adminCall(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${registry.url}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function newContext(options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
    const context = await browser.newContext({
      baseURL: registry.url,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      colorScheme: options.colorScheme ?? 'light',
    });
    watchPageProblems(context, pageProblems);
    return context;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: `${screenshots}${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
  }

  async function signUpAndLogIn(page: Page, email: string): Promise<void> {
    await page.goto('/portal/signup');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/login');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your account is ready');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
  }

  async function gatewayStatus(key: string): Promise<number> {
    return (await fetch(`${gateway.url}${listenPath}orders`, { headers: { authorization: key } })).status;
  }

  let firstApp: { id: string; key: string };
  let firstContext: BrowserContext;

  it('a developer finds the API, signs up, logs in and creates an app; the curl example works through the gateway', async () => {
    firstContext = await newContext();
    await firstContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: registry.url });
    const page = await firstContext.newPage();

    const catalogue = await page.goto('/portal');
    expect(catalogue!.status()).toBe(200);
    expect(catalogue!.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('APIs');
    await screenshot(page, 'catalogue');
    // The keyboard starts at the skip link, which leads to the main content.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');

    await page.getByRole('link', { name: 'Orders API' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Orders API');
    // The documentation is formatted; the <script> in it is text, never run.
    expect(await page.getByRole('heading', { name: 'Getting started' }).count()).toBe(1);
    expect(await page.locator('.docs').textContent()).toContain('<script>window.pwned = 1</script>');
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.getByRole('cell', { name: 'List orders' }).count()).toBe(1);
    const openapi = await page.request.get(`/portal/apis/${entryId}/openapi.json`);
    expect(await openapi.json()).toMatchObject({ info: { title: 'Orders' } });
    await screenshot(page, 'api-page');

    // Not logged in: the page offers login, and comes back to create the app afterwards.
    await page.getByRole('link', { name: 'Log in to create an app' }).click();
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/portal/apps/new?entry=${entryId}`);
    await page.getByRole('link', { name: 'Sign up' }).last().click();
    expect(new URL(page.url()).searchParams.get('next')).toBe(`/portal/apps/new?entry=${entryId}`);
    await screenshot(page, 'signup');
    const email = `first-${suffix}@example.com`;
    // A password that is too short is refused, with the reason in an alert, and nothing is created.
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBeTruthy();
    await screenshot(page, 'signup-error');
    // Corrected, the sign-up goes on to login, and login back to creating an app for this API.
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your account is ready');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/apps/new');
    await screenshot(page, 'create-app');
    expect(await page.getByLabel('API', { exact: true }).inputValue()).toBe(entryId);
    await page.getByLabel('App name').fill('Billing batch');
    await page.getByRole('button', { name: 'Create app and get credentials' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your app is ready');
    const key = (await page.locator('[data-credential="api_key"]').textContent())!.trim();
    expect(key.length).toBeGreaterThanOrEqual(20);
    const curl = (await page.locator('pre[data-curl]').textContent())!.trim();
    expect(curl).toContain(`${gateway.url}${listenPath}`);
    // With JavaScript on, the copy buttons appear and copy the value.
    const copy = page.getByRole('button', { name: 'Copy' }).first();
    await copy.click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await screenshot(page, 'credentials');
    // On a phone's width nothing runs off the side (WCAG 1.4.10 reflow).
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'credentials-phone');
    await page.setViewportSize({ width: 1280, height: 720 });

    // The example, run by a shell exactly as printed, goes through the gateway to the upstream.
    const { stdout } = await run('sh', ['-c', curl], { timeout: 10_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(stdout).toContain('"path":"/"');

    const appLink = page.getByRole('link', { name: 'Go to the app' });
    firstApp = { id: (await appLink.getAttribute('href'))!.split('/').pop()!, key };
    // The credentials page is not kept by the browser or any cache.
    expect((await page.request.get(`/portal/apps/${firstApp.id}`)).headers()['cache-control']).toBe('no-store');
  });

  it("a second developer, without JavaScript, sees none of the first one's apps and cannot touch them", async () => {
    // Also in the dark colour scheme, so the screenshots show the stylesheet's dark variant.
    const context = await newContext({ javaScriptEnabled: false, colorScheme: 'dark' });
    const page = await context.newPage();
    await signUpAndLogIn(page, `second-${suffix}@example.com`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My apps');
    expect(await page.getByRole('link', { name: 'Billing batch' }).count()).toBe(0);
    await screenshot(page, 'second-developer-apps');

    const stranger = await page.goto(`/portal/apps/${firstApp.id}`);
    expect(stranger!.status()).toBe(404);
    expect(await page.content()).not.toContain('Billing batch');
    await screenshot(page, 'second-developer-404');

    // Even with a valid form of their own, rotating or deleting someone else's app is a 404.
    await page.goto('/portal/apps');
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    expect((await context.request.post(`/portal/apps/${firstApp.id}/rotate`, { form: { _csrf: csrf }, maxRedirects: 0 })).status()).toBe(404);
    expect((await context.request.post(`/portal/apps/${firstApp.id}/delete`, { form: { _csrf: csrf }, maxRedirects: 0 })).status()).toBe(404);
    expect(await gatewayStatus(firstApp.key)).toBe(200);

    // Without JavaScript the copy buttons stay hidden and the values are plain text; pages work the same.
    await page.goto(`/portal/apps/new?entry=${entryId}`);
    await page.getByLabel('App name').fill('No-script app');
    await page.getByRole('button', { name: 'Create app and get credentials' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your app is ready');
    expect(await page.getByRole('button', { name: 'Copy' }).count()).toBe(0);
    expect(await gatewayStatus((await page.locator('[data-credential="api_key"]').textContent())!.trim())).toBe(200);
    await screenshot(page, 'credentials-without-javascript');
    await context.close();
  });

  it('forms refuse a wrong CSRF token, an oversized body and missing fields with a page, never a 500', async () => {
    const page = await firstContext.newPage();
    await page.goto('/portal/apps');
    const request = firstContext.request;
    const forged = await request.post('/portal/apps', { form: { _csrf: 'forged', entry_id: entryId, name: 'Forged' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain('This form has expired');
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const missing = await request.post('/portal/apps', { form: { _csrf: csrf }, maxRedirects: 0 });
    expect(missing.status()).toBe(400);
    expect(await missing.text()).toMatch(/<p class="alert" role="alert"/);
    const huge = await request.post('/portal/apps', { form: { _csrf: csrf, entry_id: entryId, name: 'x'.repeat(64 * 1024) }, maxRedirects: 0 });
    expect(huge.status()).toBe(413);
    expect(huge.headers()['content-type']).toContain('text/html');
    const json = await request.post('/portal/apps', { data: { _csrf: csrf, entry_id: entryId, name: 'JSON' }, maxRedirects: 0 });
    expect(json.status()).toBe(415);
    const unknownEntry = await request.post('/portal/apps', { form: { _csrf: csrf, entry_id: 'not-an-entry', name: 'Nope' }, maxRedirects: 0 });
    expect(unknownEntry.status()).toBeGreaterThanOrEqual(400);
    expect(unknownEntry.status()).toBeLessThan(500);
    // None of these made an app.
    await page.goto('/portal/apps');
    expect(await page.getByRole('link', { name: /Forged|JSON|Nope/ }).count()).toBe(0);
    await page.close();
  });

  it("an oauth_client entry: the credentials page's two-step example gets a token and calls the API through the gateway", async () => {
    const oauthApiId = `portal-reports-${suffix}`;
    const oauthPath = `/portal-reports-${suffix}/`;
    await adminCall('POST', '/admin/policies', {
      id: `portal-reports-${suffix}`,
      name: 'Reports',
      rate: 100,
      per: 60,
      quota_max: -1,
      access_rights: { [oauthApiId]: { api_id: oauthApiId, versions: ['Default'], allowed_urls: [] } },
    });
    await adminCall('POST', '/admin/apis', {
      api_id: oauthApiId,
      name: 'Reports',
      use_oauth2: true,
      proxy: { listen_path: oauthPath, target_url: upstream.url, strip_listen_path: true },
    });
    const entry = await adminCall('POST', '/admin/portal/catalogue', {
      api_id: oauthApiId,
      policy_id: `portal-reports-${suffix}`,
      name: 'Reports API',
      description: 'Monthly reports, for machines.',
      credential_kind: 'oauth_client',
    });
    await waitFor(async () => (await fetch(`${gateway.url}${oauthPath}`)).status === 401, { timeoutMs: 10_000, message: 'the gateway to serve the OAuth API' });

    const page = await firstContext.newPage();
    await page.goto(`/portal/apps/new?entry=${entry.id}`);
    await page.getByLabel('App name').fill('Reports robot');
    await page.getByRole('button', { name: 'Create app and get credentials' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your app is ready');
    const clientId = (await page.locator('[data-credential="client_id"]').textContent())!.trim();
    const secret = (await page.locator('[data-credential="client_secret"]').textContent())!.trim();
    expect(clientId).not.toBe('');
    expect(secret).not.toBe('');
    expect(await page.locator('[data-credential="token_endpoint"]').textContent()).toContain(gateway.url);
    await screenshot(page, 'credentials-oauth-client');
    const curl = (await page.locator('pre[data-curl]').textContent())!.trim();
    const { stdout } = await run('sh', ['-c', curl], { timeout: 10_000 });
    expect(stdout).toMatch(/^HTTP\/1\.1 200/);
    expect(stdout).toContain('"path":"/"');
    // The app page names the client but never shows the secret again.
    await page.getByRole('link', { name: 'Go to the app' }).click();
    expect(await page.content()).toContain(clientId);
    expect(await page.content()).not.toContain(secret);
    await page.close();
  });

  it('an external_dcr entry: the client is registered at the provider, the printed example gets a token there that the gateway accepts, and renaming and deleting reach the provider', async () => {
    const idp = await startDcrProvider();
    try {
      const dcrApiId = `portal-partners-${suffix}`;
      const dcrPath = `/portal-partners-${suffix}/`;
      const provider = await adminCall('POST', '/admin/portal/providers', {
        name: 'Partner IdP',
        discovery_url: idp.issuer,
        initial_access_token: idp.initialAccessToken,
      });
      await adminCall('POST', '/admin/policies', {
        id: `portal-partners-${suffix}`,
        name: 'Partners',
        rate: 100,
        per: 60,
        quota_max: -1,
        access_rights: { [dcrApiId]: { api_id: dcrApiId, versions: ['Default'], allowed_urls: [] } },
      });
      await adminCall('POST', '/admin/apis', {
        api_id: dcrApiId,
        name: 'Partners',
        enable_jwt: true,
        jwt_issuers: [{ issuer: idp.issuer, signing_methods: ['ecdsa'], audiences: [idp.audience] }],
        jwt_identity_base_field: 'client_id',
        proxy: { listen_path: dcrPath, target_url: upstream.url, strip_listen_path: true },
      });
      const entry = await adminCall('POST', '/admin/portal/catalogue', {
        api_id: dcrApiId,
        policy_id: `portal-partners-${suffix}`,
        name: 'Partners API',
        description: 'For partners, with identities from their IdP.',
        credential_kind: 'external_dcr',
        provider_id: provider.id,
      });
      await waitFor(async () => (await fetch(`${gateway.url}${dcrPath}`)).status === 401, { timeoutMs: 10_000, message: 'the gateway to serve the JWT API' });

      const page = await firstContext.newPage();
      await page.goto(`/portal/apps/new?entry=${entry.id}`);
      await page.getByLabel('App name').fill('Partner sync');
      await page.getByRole('button', { name: 'Create app and get credentials' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Your app is ready');
      const clientId = (await page.locator('[data-credential="client_id"]').textContent())!.trim();
      expect(idp.clientIds()).toContain(clientId);
      expect((await page.locator('[data-credential="token_endpoint"]').textContent())!.trim()).toBe(`${idp.issuer}/token`);
      await screenshot(page, 'credentials-external-dcr');
      // As printed: the token from the provider, the call through the gateway (once the binding is there).
      const curl = (await page.locator('pre[data-curl]').textContent())!.trim();
      await waitFor(async () => /^HTTP\/1\.1 200/.test((await run('sh', ['-c', curl], { timeout: 10_000 })).stdout), {
        timeoutMs: 10_000,
        message: 'the printed example to pass the gateway',
      });

      await page.getByRole('link', { name: 'Go to the app' }).click();
      await page.getByLabel('App name').fill('Partner sync (EU)');
      await page.getByRole('button', { name: 'Rename' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('The app was renamed');

      await page.getByRole('button', { name: 'Delete Partner sync (EU)' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('The app was deleted');
      expect(idp.clientIds()).not.toContain(clientId);
      await screenshot(page, 'external-dcr-deleted');
      await page.close();
    } finally {
      await idp.close();
    }
  });

  it('the developer rotates the key (the old one stops working), renames the app, and deletes it (the new key stops too)', async () => {
    const page = await firstContext.newPage();
    await page.goto('/portal/apps');
    await page.getByRole('link', { name: 'Billing batch' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Billing batch');
    await screenshot(page, 'app-page');
    // The app page's example, with the key put in for its placeholder, works as printed too.
    const template = (await page.locator('pre[data-curl-template]').textContent())!.trim();
    expect(template).toContain('YOUR_API_KEY');
    expect((await run('sh', ['-c', template.replace('YOUR_API_KEY', firstApp.key)], { timeout: 10_000 })).stdout).toMatch(/^HTTP\/1\.1 200/);
    await page.getByRole('button', { name: 'Rotate API key' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New credentials');
    const rotated = (await page.locator('[data-credential="api_key"]').textContent())!.trim();
    expect(rotated).not.toBe(firstApp.key);
    await screenshot(page, 'rotated');
    expect(await gatewayStatus(rotated)).toBe(200);
    await waitFor(async () => (await gatewayStatus(firstApp.key)) === 401, { timeoutMs: 10_000, message: 'the old key to stop working' });

    // Renamed: an empty name is refused on the page, a good one kept; the key keeps working.
    await page.goto(`/portal/apps/${firstApp.id}`);
    await page.getByLabel('App name').fill('   ');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('There is a problem');
    expect(await page.getByLabel('App name').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('App name').fill('Billing batch (prod)');
    await page.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The app was renamed');
    expect(new URL(page.url()).pathname).toBe(`/portal/apps/${firstApp.id}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Billing batch (prod)');
    await screenshot(page, 'renamed');
    expect(await gatewayStatus(rotated)).toBe(200);

    await page.getByRole('button', { name: 'Delete Billing batch (prod)' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/apps');
    await expect.poll(() => page.getByRole('status').textContent()).toContain('The app was deleted');
    expect(await page.getByRole('link', { name: 'Billing batch' }).count()).toBe(0);
    await screenshot(page, 'deleted');
    await waitFor(async () => (await gatewayStatus(rotated)) === 401, { timeoutMs: 10_000, message: "the deleted app's key to stop working" });

    // Logging out ends the session on the server: the old cookie no longer opens the pages.
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('You are logged out');
    await page.goto('/portal/apps');
    expect(new URL(page.url()).pathname).toBe('/portal/login');
    await screenshot(page, 'logged-out');
  });

  it('a password reset link from the admin sets a new password once, and ends the sessions the developer had', async () => {
    const email = `reset-${suffix}@example.com`;
    const before = await newContext();
    const loggedIn = await before.newPage();
    await signUpAndLogIn(loggedIn, email);
    await expect.poll(() => new URL(loggedIn.url()).pathname).toBe('/portal/apps');
    const developers: { id: string; email: string }[] = await adminCall('GET', '/admin/portal/developers');
    const developer = developers.find((candidate) => candidate.email === email)!;
    const { url } = await adminCall('POST', `/admin/portal/developers/${developer.id}/reset-link`);
    expect(url).toMatch(new RegExp(`^${registry.url}/portal/reset/`));

    const context = await newContext();
    const page = await context.newPage();
    const resetPage = await page.goto(url);
    expect(resetPage!.headers()['referrer-policy']).toBe('no-referrer');
    await screenshot(page, 'reset-password');
    await page.getByLabel('New password').fill('an even better passphrase');
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Your password was changed');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('an even better passphrase');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/apps');

    // The link worked once; the session from before the reset is gone.
    expect((await page.goto(url))!.status()).toBe(404);
    await loggedIn.goto('/portal/apps');
    expect(new URL(loggedIn.url()).pathname).toBe('/portal/login');
    await Promise.all([context.close(), before.close()]);
  });

  it('a blocked developer is logged out at the next click and told why they cannot log in', async () => {
    const email = `blocked-${suffix}@example.com`;
    const context = await newContext();
    const page = await context.newPage();
    await signUpAndLogIn(page, email);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/portal/apps');
    const developers: { id: string; email: string }[] = await adminCall('GET', '/admin/portal/developers');
    await adminCall('POST', `/admin/portal/developers/${developers.find((candidate) => candidate.email === email)!.id}/block`);

    await page.goto('/portal/apps');
    expect(new URL(page.url()).pathname).toBe('/portal/login');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('blocked');
    await screenshot(page, 'blocked');
    await context.close();
  });

  it('no page broke its Content-Security-Policy or threw a script error', () => {
    expect(pageProblems).toEqual([]);
  });

  it("the pages stay out of the admin API's OpenAPI document", async () => {
    const document = (await (await fetch(`${registry.url}/admin/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/portal'))).toEqual([]);
    expect(Object.keys(document.paths)).toContain('/admin/portal/catalogue');
  });
});
