import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser, requireChromium, watchPageProblems } from './support/chromium.js';
import { createScratchDatabase } from './support/database.js';
import { startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

const describeInChromium = describeInBrowser('the console browser test');
/** Kept by the run (gitignored): what each step looked like, at a desktop's width and a phone's. */
const screenshots = fileURLToPath(new URL('../test-results/console/', import.meta.url));

/** WCAG's contrast ratio of two computed colours (`rgb(r, g, b)`). */
function contrast(a: string, b: string): number {
  const luminance = (colour: string) => {
    const [r, g, bl] = (colour.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((part) => {
      const v = Number(part) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high! + 0.05) / (low! + 0.05);
}

const desktop = { viewport: { width: 1280, height: 800 } };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/**
 * The operator console in a real browser: headless Chromium driven by playwright-core against the
 * registry, the auth service and a gateway as processes on the machine's NATS and PostgreSQL. An
 * operator signs in with the admin secret, creates and edits every kind through the JSON editor,
 * reads an API's traffic from a real gateway as charts, meets the pages for bad input, and does it
 * again at a phone's width and without JavaScript. (The HTTP-level test is console.e2e.test.ts.)
 */
describeInChromium('operator console in a browser: sign-in, editors, traffic charts, phone width, no script', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const suffix = randomBytes(4).toString('hex');
  const apiId = `console-orders-${suffix}`;
  const listenPath = `/console-orders-${suffix}/`;
  const policyId = `console-gold-${suffix}`;
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: Upstream;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let browser: Browser;
  let operator: BrowserContext;
  let catalogueEntryId: string;
  /** What the gateway was sent for the API, as the traffic page must count it. */
  let requestsSent = 0;
  let shot = 0;
  /** Content-Security-Policy violations and script errors on any page: there must be none. */
  const pageProblems: string[] = [];

  const apiDocument = (name: string, proxy: Record<string, unknown> = {}) => ({
    api_id: apiId,
    name,
    use_keyless: true,
    proxy: { listen_path: listenPath, target_url: upstream.url, strip_listen_path: true, ...proxy },
  });

  beforeAll(async () => {
    const executablePath = requireChromium();
    rmSync(screenshots, { recursive: true, force: true });
    mkdirSync(screenshots, { recursive: true });
    [database, upstream] = await Promise.all([createScratchDatabase('portcullis_e2e_console_pages'), startUpstream()]);
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { ANALYTICS_FLUSH_MS: '100' } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([gateway, auth, registry].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  async function adminGet(path: string): Promise<Response> {
    return fetch(`${registry.url}${path}`, { headers: { authorization: `Bearer ${adminSecret}` } });
  }

  async function newContext(options: { javaScriptEnabled?: boolean; colorScheme?: 'light' | 'dark'; device?: typeof desktop | typeof phone } = {}) {
    const context = await browser.newContext({
      baseURL: registry.url,
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      colorScheme: options.colorScheme ?? 'light',
      ...(options.device ?? desktop),
    });
    watchPageProblems(context, pageProblems);
    return context;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    shot += 1;
    await page.screenshot({ path: `${screenshots}${String(shot).padStart(2, '0')}-${name}.png`, fullPage: true });
  }

  /** Clicks a form's button and waits for the page it leads to (after any redirect); its status. */
  async function submit(page: Page, button: string): Promise<number> {
    const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: button, exact: true }).click()]);
    return response!.status();
  }

  /** The page's alerts, to say why a status was not the one expected. */
  async function problemsOn(page: Page): Promise<string> {
    return `${page.url()}: ${(await page.locator('.alert, .alert-details').allTextContents()).join(' ').replace(/\s+/g, ' ')}`;
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const path = (page: Page) => new URL(page.url()).pathname;

  async function signIn(page: Page): Promise<void> {
    await page.goto('/console');
    expect(path(page)).toBe('/console/sign-in');
    await page.getByLabel('Admin secret').fill(adminSecret);
    expect(await submit(page, 'Sign in')).toBe(200);
    expect(path(page)).toBe('/console');
    expect(await heading(page)).toBe('Overview');
  }

  /** Replaces the editor's document and sends it with the form's button. */
  async function sendDocument(page: Page, label: string, document: unknown, button: 'Create' | 'Save', expected: number): Promise<void> {
    await page.getByLabel(label).fill(JSON.stringify(document, null, 2));
    expect(await submit(page, button), await problemsOn(page)).toBe(expected);
  }

  /**
   * WCAG 1.4.10 reflow: the page as a whole does not scroll sideways (a wide table scrolls inside
   * its own box), every section in the navigation is on screen, and every chart fits.
   */
  async function expectFitsWidth(page: Page): Promise<void> {
    // The device's width, not window.innerWidth: a phone's browser widens its layout viewport (zooms
    // out) to fit a page that overflows, and innerWidth grows with it.
    const width = page.viewportSize()!.width;
    const layout = await page.evaluate(() => ({
      innerWidth: window.innerWidth,
      scrollWidth: document.documentElement.scrollWidth,
      charts: Array.from(document.querySelectorAll('svg.chart'), (chart) => chart.getBoundingClientRect().right),
      chartFrames: Array.from(document.querySelectorAll('.chart-frame'), (frame) => frame.getBoundingClientRect().right),
    }));
    expect(layout.innerWidth, `${page.url()} is zoomed out to fit`).toBe(width);
    expect(layout.scrollWidth, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(width + 1);
    for (const right of [...layout.charts, ...layout.chartFrames]) expect(right).toBeLessThanOrEqual(width + 1);
    const links = page.getByRole('navigation', { name: 'Sections' }).getByRole('link');
    expect(await links.count()).toBe(8);
    for (const link of await links.all()) {
      const label = (await link.textContent()) ?? '';
      expect(await link.isVisible(), label).toBe(true);
      const box = (await link.boundingBox())!;
      expect(box.x, label).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, label).toBeLessThanOrEqual(width + 1);
    }
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
  }

  /**
   * The charts' text and lines against their frame's background, in the scheme the page is in: text
   * at least 4.5:1 (WCAG 1.4.3), lines at least 3:1 (WCAG 1.4.11).
   */
  async function expectChartsReadable(page: Page): Promise<void> {
    const colours = await page.evaluate(() => {
      const frame = document.querySelector('.chart-frame')!;
      const style = (selector: string, property: 'fill' | 'stroke') =>
        Array.from(frame.querySelectorAll(selector), (element) => getComputedStyle(element)[property]);
      return {
        background: getComputedStyle(frame).backgroundColor,
        text: [...style('.chart-title', 'fill'), ...style('.chart-tick', 'fill'), ...style('.chart-legend-label', 'fill')],
        lines: style('.chart-line', 'stroke'),
      };
    });
    expect(colours.text.length).toBeGreaterThan(0);
    expect(colours.lines.length).toBeGreaterThan(0);
    for (const text of colours.text) expect(contrast(text, colours.background), `text ${text} on ${colours.background}`).toBeGreaterThanOrEqual(4.5);
    for (const line of colours.lines) expect(contrast(line, colours.background), `line ${line} on ${colours.background}`).toBeGreaterThanOrEqual(3);
  }

  it('sends a visitor to sign in; a wrong secret is refused with the reason; the admin secret opens the overview', async () => {
    operator = await newContext();
    const page = await operator.newPage();
    const first = await page.goto('/console');
    expect(first!.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(path(page)).toBe('/console/sign-in');
    expect(await heading(page)).toBe('Sign in to the console');
    await screenshot(page, 'sign-in');

    await page.getByLabel('Admin secret').fill('not the secret');
    expect(await submit(page, 'Sign in')).toBe(401);
    expect(await page.getByRole('alert').textContent()).toContain('That is not the admin secret.');
    expect((await operator.cookies()).some((cookie) => cookie.name === 'console_session')).toBe(false);
    await screenshot(page, 'sign-in-wrong-secret');

    await page.getByLabel('Admin secret').fill(adminSecret);
    expect(await submit(page, 'Sign in')).toBe(200);
    expect(path(page)).toBe('/console');
    expect(await heading(page)).toBe('Overview');
    expect(await page.getByRole('link', { name: 'Overview' }).getAttribute('aria-current')).toBe('page');
    await expectFitsWidth(page);
    await screenshot(page, 'overview');
    await page.close();
  });

  it('creates an API in the editor; a bad change shows the admin API’s messages and stores nothing; the fix is saved', async () => {
    const page = await operator.newPage();
    await page.goto('/console');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'APIs' }).click();
    await expect.poll(() => heading(page)).toBe('APIs');
    await page.getByRole('link', { name: 'New API' }).click();
    await expect.poll(() => heading(page)).toBe('New API');
    await sendDocument(page, 'API (JSON)', apiDocument('Orders'), 'Create', 200);
    expect(path(page)).toBe(`/console/apis/${apiId}`);
    expect(await page.getByRole('status').textContent()).toContain('Created.');
    expect(((await (await adminGet(`/admin/apis/${apiId}`)).json()) as { name: string }).name).toBe('Orders');

    await page.getByRole('link', { name: 'APIs', exact: true }).first().click();
    await expect.poll(() => heading(page)).toBe('APIs');
    const row = page.getByRole('row', { name: new RegExp(apiId) });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['Orders', listenPath, upstream.url, 'yes']);
    await expectFitsWidth(page);
    await screenshot(page, 'apis');

    await row.getByRole('link', { name: apiId }).click();
    await expect.poll(() => heading(page)).toBe(`API ${apiId}`);
    const refused = apiDocument('Renamed', { listen_path: 'no-slash', target_url: 'not a url' });
    await sendDocument(page, 'API (JSON)', refused, 'Save', 400);
    const alert = page.getByRole('alert');
    expect((await alert.textContent())!.trim()).not.toBe('');
    const problems = await page.getByRole('list', { name: 'Problems' }).textContent();
    expect(problems).toContain('proxy.listen_path');
    expect(problems).toContain('proxy.target_url');
    // The operator's text stays in the editor to mend; what is stored is untouched.
    expect(JSON.parse(await page.getByLabel('API (JSON)').inputValue())).toEqual(refused);
    expect(((await (await adminGet(`/admin/apis/${apiId}`)).json()) as { name: string }).name).toBe('Orders');
    await screenshot(page, 'api-refused-change');

    await sendDocument(page, 'API (JSON)', apiDocument('Orders v2'), 'Save', 200);
    expect(await page.getByRole('status').textContent()).toBe('Saved. The gateways have the change.');
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(JSON.parse(await page.getByLabel('API (JSON)').inputValue())).toMatchObject({ name: 'Orders v2' });
    expect(((await (await adminGet(`/admin/apis/${apiId}`)).json()) as { name: string }).name).toBe('Orders v2');
    await expectFitsWidth(page);
    await screenshot(page, 'api-saved');
    await page.close();
  });

  it('creates a policy, a key (shown once), an OAuth client (its secret shown once) and a catalogue entry', async () => {
    const page = await operator.newPage();
    // The portal hands out API keys only for an API that takes them (the keyless one above does not).
    const billingId = `console-billing-${suffix}`;
    await page.goto('/console/apis/new');
    const billing = { api_id: billingId, name: 'Billing', proxy: { listen_path: `/${billingId}/`, target_url: upstream.url, strip_listen_path: true } };
    await sendDocument(page, 'API (JSON)', billing, 'Create', 200);
    await page.goto('/console/policies');
    await page.getByRole('link', { name: 'New policy' }).click();
    const policy = {
      id: policyId,
      name: 'Gold',
      rate: 100,
      per: 60,
      quota_max: -1,
      access_rights: {
        [apiId]: { api_id: apiId, versions: ['Default'] },
        [billingId]: { api_id: billingId, versions: ['Default'] },
      },
    };
    await sendDocument(page, 'Policy (JSON)', policy, 'Create', 200);
    expect(path(page)).toBe(`/console/policies/${policyId}`);
    expect(await page.getByRole('status').textContent()).toContain('Created.');
    expect((await adminGet(`/admin/policies/${policyId}`)).status).toBe(200);

    await page.goto('/console/keys');
    await page.getByRole('link', { name: 'New key' }).click();
    const keyDocument = { alias: `console-${suffix}`, apply_policies: [policyId], access_rights: {}, rate: 0, per: 0, quota_max: -1, expires: 0 };
    await sendDocument(page, 'Key (JSON)', keyDocument, 'Create', 201);
    expect(await heading(page)).toBe('The new key');
    expect(await page.getByRole('status').textContent()).toContain('shown this once');
    const key = (await page.locator('.credentials dd code').first().textContent())!.trim();
    expect(key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    await screenshot(page, 'key-created');
    await page.getByRole('link', { name: 'See the key' }).click();
    await expect.poll(() => heading(page)).toMatch(/^Key [0-9a-f]{64}$/);
    expect(JSON.parse(await page.getByLabel('Key (JSON)').inputValue())).toMatchObject({ alias: `console-${suffix}`, apply_policies: [policyId] });
    expect(await page.content()).not.toContain(key);
    await page.goto('/console/keys');
    expect(await page.getByRole('row', { name: new RegExp(`console-${suffix}`) }).count()).toBe(1);
    expect(await page.content()).not.toContain(key);

    await page.goto('/console/oauth-clients');
    await page.getByRole('link', { name: 'New OAuth client' }).click();
    const client = { client_name: `Billing ${suffix}`, grant_types: ['client_credentials'], api_ids: [apiId], scope: '' };
    await sendDocument(page, 'OAuth client (JSON)', client, 'Create', 201);
    expect(await heading(page)).toBe('The new OAuth client');
    const clientSecret = (await page.locator('.credentials dt:has-text("Client secret") + dd code').textContent())!.trim();
    expect(clientSecret.length).toBeGreaterThanOrEqual(20);
    await screenshot(page, 'oauth-client-created');
    await page.getByRole('link', { name: 'See the OAuth client' }).click();
    await expect.poll(() => heading(page)).toMatch(/^OAuth client /);
    expect(JSON.parse(await page.getByLabel('OAuth client (JSON)').inputValue())).toMatchObject({ client_name: `Billing ${suffix}` });
    expect(await page.content()).not.toContain(clientSecret);

    await page.goto('/console/catalogue');
    await page.getByRole('link', { name: 'New catalogue entry' }).click();
    const entry = {
      name: `Billing API ${suffix}`,
      api_id: billingId,
      policy_id: policyId,
      description: 'Invoices.',
      credential_kind: 'api_key',
      published: true,
    };
    await sendDocument(page, 'Catalogue entry (JSON)', entry, 'Create', 200);
    expect(await page.getByRole('status').textContent()).toContain('Created.');
    catalogueEntryId = decodeURIComponent(path(page).split('/').pop()!);
    const stored = (await (await adminGet(`/admin/portal/catalogue/${catalogueEntryId}`)).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ name: entry.name, api_id: billingId, policy_id: policyId });
    await page.goto('/console/catalogue');
    expect(await page.getByRole('row', { name: new RegExp(entry.name) }).count()).toBe(1);
    await screenshot(page, 'catalogue');
    await page.close();
  });

  it('charts the API’s traffic through a real gateway: chosen in the filter, three charts and the count', async () => {
    await waitFor(async () => (await fetch(`${gateway.url}${listenPath}`)).status === 200, { timeoutMs: 10_000, message: 'the gateway to route the API' });
    requestsSent = 1;
    for (let i = 0; i < 5; i += 1) {
      expect((await fetch(`${gateway.url}${listenPath}orders/${i}`)).status).toBe(200);
      requestsSent += 1;
    }

    const page = await operator.newPage();
    await page.goto('/console');
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Traffic' }).click();
    await expect.poll(() => heading(page)).toBe('Traffic');
    await page.getByLabel('Range', { exact: true }).selectOption('1h');
    await page.getByLabel('API', { exact: true }).selectOption(apiId);
    expect(await submit(page, 'Show')).toBe(200);
    const query = new URL(page.url()).searchParams;
    expect(query.get('api_id')).toBe(apiId);
    expect(query.get('range')).toBe('1h');
    const requests = page.locator('.facts dt:text-is("Requests") + dd');
    // The gateways flush analytics every 100 ms; the page reads what has arrived.
    await waitFor(
      async () => {
        if ((await requests.textContent()) === String(requestsSent)) return true;
        await page.reload();
        return false;
      },
      { timeoutMs: 20_000, message: `the traffic page to count ${requestsSent} requests` },
    );
    // Each chart is drawn twice, for a desktop's width and a phone's: here the wide ones show.
    expect(await page.locator('svg.chart.chart-wide:visible').count()).toBe(3);
    expect(await page.locator('svg.chart:visible').count()).toBe(3);
    expect(await page.getByLabel('API', { exact: true }).inputValue()).toBe(apiId);
    expect(await page.locator('.lead').textContent()).toContain(apiId);
    expect(await page.locator('.facts dt:text-is("Errors (4xx, 5xx)") + dd').textContent()).toBe('0, 0');
    expect(await page.content()).not.toMatch(/NaN|Infinity/);
    await expectChartsReadable(page);
    await expectFitsWidth(page);
    await screenshot(page, 'traffic');
    await page.close();
  });

  it('answers bad input with pages that say why: an absurd range, an unknown API, a delete without its id', async () => {
    const page = await operator.newPage();
    const absurd = await page.goto(`/console/traffic?from=0&to=${Date.now()}&bucket=minute`);
    expect(absurd!.status()).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('These filters cannot be shown.');
    expect(await page.getByRole('list', { name: 'Problems' }).textContent()).toMatch(/at most 1500 are allowed/);
    expect(await page.locator('svg').count()).toBe(0);
    await screenshot(page, 'traffic-absurd-range');

    const missing = await page.goto('/console/apis/no-such-api');
    expect(missing!.status()).toBe(404);
    expect(await heading(page)).toBe('Not found');
    expect((await page.getByRole('alert').textContent())!.trim()).not.toBe('');
    await screenshot(page, 'api-not-found');

    await page.goto(`/console/apis/${apiId}`);
    expect(await submit(page, 'Delete')).toBe(400);
    expect(await page.getByRole('alert').textContent()).toContain('Nothing was deleted');
    expect(await page.getByRole('list', { name: 'Problems' }).textContent()).toContain(`must be ${apiId}`);
    expect((await adminGet(`/admin/apis/${apiId}`)).status).toBe(200);
    await page.getByLabel(/to delete this API/).fill(`${apiId}x`);
    expect(await submit(page, 'Delete')).toBe(400);
    expect((await adminGet(`/admin/apis/${apiId}`)).status).toBe(200);
    await screenshot(page, 'delete-refused');

    // Typed, a delete goes through: the catalogue entry (the API stays for the pages below).
    await page.goto(`/console/catalogue/${encodeURIComponent(catalogueEntryId)}`);
    await page.getByLabel(/to delete this catalogue entry/).fill(catalogueEntryId);
    expect(await submit(page, 'Delete')).toBe(200);
    expect(path(page)).toBe('/console/catalogue');
    expect(await page.getByRole('status').textContent()).toBe('Deleted.');
    expect((await adminGet(`/admin/portal/catalogue/${catalogueEntryId}`)).status).toBe(404);
    await page.close();
  });

  it('at a phone’s width: nothing scrolls sideways, every section is reachable, the charts fit', async () => {
    const context = await newContext({ device: phone });
    const page = await context.newPage();
    await signIn(page);
    await expectFitsWidth(page);
    await screenshot(page, 'phone-overview');

    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'APIs' }).tap();
    await expect.poll(() => heading(page)).toBe('APIs');
    await expectFitsWidth(page);
    // The table is wider than a phone: it scrolls inside its own box.
    const box = await page.locator('.table-scroll').evaluate((element) => ({ scrollWidth: element.scrollWidth, clientWidth: element.clientWidth }));
    expect(box.scrollWidth).toBeGreaterThan(box.clientWidth);
    await screenshot(page, 'phone-apis');

    await page.getByRole('link', { name: apiId }).tap();
    await expect.poll(() => heading(page)).toBe(`API ${apiId}`);
    await expectFitsWidth(page);
    await screenshot(page, 'phone-api-editor');

    await page.getByRole('link', { name: 'Traffic of this API over time' }).tap();
    await expect.poll(() => heading(page)).toBe('Traffic');
    expect(new URL(page.url()).searchParams.get('api_id')).toBe(apiId);
    // At a phone's width the narrow drawings show, their labels readable, and only they.
    expect(await page.locator('svg.chart.chart-narrow:visible').count()).toBe(3);
    expect(await page.locator('svg.chart:visible').count()).toBe(3);
    expect(await page.locator('.facts dt:text-is("Requests") + dd').textContent()).toBe(String(requestsSent));
    await expectFitsWidth(page);
    await screenshot(page, 'phone-traffic');

    const refused = await page.goto(`/console/traffic?from=0&to=${Date.now()}&bucket=minute`);
    expect(refused!.status()).toBe(400);
    await expectFitsWidth(page);
    await screenshot(page, 'phone-traffic-refused');
    await context.close();
  });

  it('works without JavaScript (the console has no script): sign in and read the traffic, in the dark scheme', async () => {
    const context = await newContext({ javaScriptEnabled: false, colorScheme: 'dark' });
    const page = await context.newPage();
    await signIn(page);
    await page.goto(`/console/traffic?range=1h&api_id=${encodeURIComponent(apiId)}`);
    expect(await page.locator('svg.chart:visible').count()).toBe(3);
    expect(await page.locator('.facts dt:text-is("Requests") + dd').textContent()).toBe(String(requestsSent));
    await expectChartsReadable(page);
    await screenshot(page, 'no-script-dark-traffic');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => path(page)).toBe('/console/sign-in');
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
    await context.close();
  });

  it('no page broke its Content-Security-Policy or threw a script error', () => {
    expect(pageProblems).toEqual([]);
  });
});
