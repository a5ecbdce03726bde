import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { PageSession, pageText } from './support/page-session.js';
import { freePort, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';

/**
 * The operator console over HTTP, as a browser without JavaScript uses it: sign-in with the admin
 * secret, CSRF on every form, every kind edited through the admin API's own validation, and bad
 * input answered as a page that says what is wrong, nothing changed. The registry and the auth
 * service run as processes on the machine's NATS and PostgreSQL. (The browser test, with
 * screenshots and a phone's width, is console-browser.e2e.test.ts.)
 */
describeWithServices('operator console over HTTP', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const suffix = randomBytes(4).toString('hex');
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let gateway: StartedService;
  let upstream: Upstream;

  beforeAll(async () => {
    [database, upstream] = await Promise.all([createScratchDatabase('portcullis_e2e_console'), startUpstream()]);
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    gateway = await startService('gateway', { adminSecret, env: { ANALYTICS_FLUSH_MS: '100' } });
    await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });
  });

  afterAll(async () => {
    await Promise.allSettled([gateway, registry, auth].filter(Boolean).map((service) => service.stop()));
    await upstream?.close();
    await database?.drop();
  });

  async function signedIn(): Promise<PageSession> {
    const session = new PageSession(registry.url);
    await session.get('/console/sign-in');
    const signIn = await session.post('/console/sign-in', { secret: adminSecret, next: '' });
    expect(signIn.status).toBe(303);
    expect(signIn.location).toBe('/console');
    return session;
  }

  async function apiName(apiId: string): Promise<string> {
    return ((await (await adminGet(`/admin/apis/${apiId}`)).json()) as { name: string }).name;
  }

  async function adminGet(path: string): Promise<Response> {
    return fetch(`${registry.url}${path}`, { headers: { authorization: `Bearer ${adminSecret}` } });
  }

  it('sends a visitor without a session to sign in, and back where they were going', async () => {
    const session = new PageSession(registry.url);
    const page = await session.get('/console/apis');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/console/sign-in?next=%2Fconsole%2Fapis');
    const form = await session.get(page.location!);
    expect(form.status).toBe(200);
    expect(form.html).toContain('name="next" value="/console/apis"');
    const signIn = await session.post('/console/sign-in', { secret: adminSecret, next: '/console/apis' });
    expect(signIn.location).toBe('/console/apis');
    expect((await session.get('/console/apis')).status).toBe(200);
  });

  it('refuses a wrong secret, a form without its CSRF token, and a redirect off the console', async () => {
    const session = new PageSession(registry.url);
    await session.get('/console/sign-in');
    const wrong = await session.post('/console/sign-in', { secret: 'not the secret' });
    expect(wrong.status).toBe(401);
    expect(pageText(wrong.html)).toContain('That is not the admin secret.');
    expect(session.cookie('console_session')).toBeUndefined();

    const forged = await session.post('/console/sign-in', { secret: adminSecret, _csrf: 'forged' });
    expect(forged.status).toBe(403);
    expect(pageText(forged.html)).toContain('This form has expired');
    expect(session.cookie('console_session')).toBeUndefined();

    await session.get('/console/sign-in');
    const offsite = await session.post('/console/sign-in', { secret: adminSecret, next: '//evil.example/console' });
    expect(offsite.location).toBe('/console');
  });

  it('serves its pages with the portal’s security headers and no-store', async () => {
    const session = await signedIn();
    const response = await fetch(`${registry.url}/console/apis`, { headers: { cookie: `console_session=${session.cookie('console_session')}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('creates, shows, changes and deletes an API; a refused change shows the admin API’s messages and changes nothing', async () => {
    const session = await signedIn();
    await session.get('/console/apis/new');
    const apiId = `console-orders-${suffix}`;
    const document = {
      api_id: apiId,
      name: 'Orders',
      proxy: { listen_path: `/console-orders-${suffix}/`, target_url: 'http://127.0.0.1:9', strip_listen_path: true },
    };
    const created = await session.post('/console/apis', { document: JSON.stringify(document) });
    expect(created.status).toBe(303);
    expect(created.location).toBe(`/console/apis/${apiId}?done=created`);
    expect(await apiName(apiId)).toBe('Orders');

    const list = await session.get('/console/apis');
    expect(pageText(list.html)).toContain(`${apiId} Orders /console-orders-${suffix}/`);

    await session.get(`/console/apis/${apiId}`);
    const refused = await session.post(`/console/apis/${apiId}`, {
      document: JSON.stringify({ ...document, name: 'Renamed', proxy: { ...document.proxy, listen_path: 'no-slash', target_url: 'not a url' } }),
    });
    expect(refused.status).toBe(400);
    const refusedText = pageText(refused.html);
    expect(refusedText).toContain('proxy.listen_path');
    expect(refusedText).toContain('proxy.target_url');
    // The operator's text is kept in the editor to mend, not replaced by what is stored.
    expect(refused.html).toContain('Renamed');
    expect(await apiName(apiId)).toBe('Orders');

    const saved = await session.post(`/console/apis/${apiId}`, { document: JSON.stringify({ ...document, name: 'Orders v2' }) });
    expect(saved.status).toBe(303);
    expect(await apiName(apiId)).toBe('Orders v2');

    await session.get(`/console/apis/${apiId}`);
    const unconfirmed = await session.post(`/console/apis/${apiId}/delete`, { confirm: 'something else' });
    expect(unconfirmed.status).toBe(400);
    expect(pageText(unconfirmed.html)).toContain('Nothing was deleted');
    expect((await adminGet(`/admin/apis/${apiId}`)).status).toBe(200);
    const deleted = await session.post(`/console/apis/${apiId}/delete`, { confirm: apiId });
    expect(deleted.location).toBe('/console/apis?done=deleted');
    expect((await adminGet(`/admin/apis/${apiId}`)).status).toBe(404);
  });

  it('answers malformed JSON, a non-object and prototype keys in the editor, nothing stored', async () => {
    const session = await signedIn();
    await session.get('/console/policies/new');
    const before = await (await adminGet('/admin/policies')).json();
    for (const [text, expected] of [
      ['{ "name": ', 'The document is not valid JSON.'],
      ['[1, 2]', 'must be a JSON object'],
      ['{ "__proto__": { "admin": true } }', 'is not allowed'],
      ['', 'The document is empty.'],
    ] as const) {
      const page = await session.post('/console/policies', { document: text });
      expect(page.status, text).toBe(400);
      expect(pageText(page.html), text).toContain(expected);
    }
    expect(await (await adminGet('/admin/policies')).json()).toEqual(before);
  });

  it('creates a key through the auth service and shows it once; its page shows the session, never the key', async () => {
    const session = await signedIn();
    await session.get('/console/keys/new');
    const created = await session.post('/console/keys', {
      document: JSON.stringify({ alias: `console-${suffix}`, access_rights: {}, rate: 0, per: 0, quota_max: -1 }),
    });
    expect(created.status).toBe(201);
    const key = /<dt>Key<\/dt>\s*<dd><code>([^<]+)<\/code>/.exec(created.html)?.[1];
    expect(key).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const keyHash = /href="\/console\/keys\/([0-9a-f]{64})"/.exec(created.html)?.[1];
    expect(keyHash).toBeDefined();
    const page = await session.get(`/console/keys/${keyHash}`);
    expect(page.status).toBe(200);
    expect(page.html).toContain(`console-${suffix}`);
    expect(page.html).not.toContain(key);
    const list = await session.get('/console/keys');
    expect(list.html).toContain(keyHash);
    expect(list.html).not.toContain(key);
    // Saved back as shown, with a new alias.
    const shown = JSON.parse(pageText(/<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(page.html)![1]!)) as Record<string, unknown>;
    const saved = await session.post(`/console/keys/${keyHash}`, { document: JSON.stringify({ ...shown, alias: `renamed-${suffix}` }) });
    expect(saved.status, pageText(saved.html)).toBe(303);
    expect((await session.get(`/console/keys/${keyHash}`)).html).toContain(`renamed-${suffix}`);
  });

  it('creates an OAuth client and shows its secret once; a bad grant type is the auth service’s message', async () => {
    const session = await signedIn();
    await session.get('/console/oauth-clients/new');
    const refused = await session.post('/console/oauth-clients', { document: JSON.stringify({ client_name: 'Bad', grant_types: ['telepathy'] }) });
    expect(refused.status).toBe(400);
    expect(pageText(refused.html)).toContain('grant_types');
    const created = await session.post('/console/oauth-clients', {
      document: JSON.stringify({ client_name: `Billing ${suffix}`, grant_types: ['client_credentials'] }),
    });
    expect(created.status).toBe(201);
    expect(created.html).toContain('Client secret');
    const clientId = /href="\/console\/oauth-clients\/([^"]+)"/.exec(created.html)?.[1];
    const page = await session.get(`/console/oauth-clients/${clientId}`);
    expect(page.status).toBe(200);
    expect(pageText(page.html)).toContain(`Billing ${suffix}`);
    expect(page.html).not.toContain('client_secret"');
    // The document shown is one the auth service takes back as it is: saved with a new name.
    const shown = JSON.parse(pageText(/<textarea[^>]*>([\s\S]*?)<\/textarea>/.exec(page.html)![1]!)) as Record<string, unknown>;
    const saved = await session.post(`/console/oauth-clients/${clientId}`, { document: JSON.stringify({ ...shown, client_name: `Invoicing ${suffix}` }) });
    expect(saved.status, pageText(saved.html)).toBe(303);
    const stored = (await (await adminGet(`/admin/oauth/clients/${clientId}`)).json()) as { client_name: string };
    expect(stored.client_name).toBe(`Invoicing ${suffix}`);
  });

  it('answers an unknown section and an unknown API as not-found pages', async () => {
    const session = await signedIn();
    const section = await session.get('/console/nonsense');
    expect(section.status).toBe(404);
    expect(pageText(section.html)).toContain('The console has no such section.');
    const api = await session.get('/console/apis/no-such-api');
    expect(api.status).toBe(404);
    expect(section.html).toContain('<h1>Not found</h1>');
  });

  it('charts an API’s traffic through a real gateway: requests and errors counted exactly', async () => {
    const session = await signedIn();
    const apiId = `console-traffic-${suffix}`;
    const listenPath = `/console-traffic-${suffix}/`;
    await session.get('/console/apis/new');
    const created = await session.post('/console/apis', {
      document: JSON.stringify({
        api_id: apiId,
        name: 'Traffic',
        use_keyless: true,
        proxy: { listen_path: listenPath, target_url: upstream.url, strip_listen_path: true },
        version_data: {
          not_versioned: true,
          versions: {
            Default: {
              name: 'Default',
              use_extended_paths: true,
              extended_paths: { black_list: [{ path: '/blocked', method_actions: { GET: { action: 'no_action', code: 200, data: '', headers: {} } } }] },
            },
          },
        },
      }),
    });
    expect(created.status).toBe(303);
    await waitFor(async () => (await fetch(`${gateway.url}${listenPath}`)).status === 200, { timeoutMs: 10_000, message: 'the gateway to route the API' });
    // One request was sent by the wait above; four more answered, one refused by the black list.
    for (let i = 0; i < 4; i += 1) expect((await fetch(`${gateway.url}${listenPath}ok`)).status).toBe(200);
    expect((await fetch(`${gateway.url}${listenPath}blocked`)).status).toBe(403);

    const apiPage = await session.get(`/console/apis/${apiId}`);
    expect(apiPage.html).toContain(`href="/console/traffic?api_id=${apiId}"`);
    let page = { status: 0, html: '' };
    await waitFor(
      async () => {
        page = await session.get(`/console/traffic?range=1h&api_id=${apiId}`);
        return pageText(page.html).includes('Requests 6');
      },
      { timeoutMs: 20_000, message: 'the traffic page to count the six requests' },
    );
    expect(page.status).toBe(200);
    expect(pageText(page.html)).toContain('Errors (4xx, 5xx) 1, 0');
    // Each of the three charts at two widths (the stylesheet shows one by the page's width).
    expect(page.html.match(/<svg[^>]*class="chart chart-wide"[^>]*viewBox="0 0 800 /g)).toHaveLength(3);
    expect(page.html.match(/<svg[^>]*class="chart chart-narrow"[^>]*viewBox="0 0 400 /g)).toHaveLength(3);
    expect(page.html).not.toMatch(/NaN|Infinity/);
    // The overview counts the same requests on the API's row.
    expect(pageText((await session.get('/console')).html)).toContain('Traffic 6 1 0');
  });

  it('shows the gateways and an API’s upstream targets as the gateways see them: one healthy, one down', async () => {
    const session = await signedIn();
    const apiId = `console-balanced-${suffix}`;
    const closed = `http://127.0.0.1:${await freePort()}`;
    await session.get('/console/apis/new');
    const created = await session.post('/console/apis', {
      document: JSON.stringify({
        api_id: apiId,
        name: 'Balanced',
        use_keyless: true,
        proxy: {
          listen_path: `/console-balanced-${suffix}/`,
          target_url: upstream.url,
          strip_listen_path: true,
          enable_load_balancing: true,
          target_list: [upstream.url, closed],
          check_host_against_uptime_tests: true,
        },
        uptime_tests: { check_list: [{ url: `${upstream.url}/health` }, { url: `${closed}/health` }], config: { recheck_wait: 0.2 } },
      }),
    });
    expect(created.status).toBe(303);
    let page = { status: 0, html: '' };
    await waitFor(
      async () => {
        page = await session.get(`/console/apis/${apiId}`);
        const text = pageText(page.html);
        return text.includes(`${upstream.url} healthy`) && text.includes(`${closed} down`);
      },
      { timeoutMs: 20_000, message: 'the API page to show one target healthy and one down' },
    );
    const overview = await session.get('/console');
    expect(overview.status).toBe(200);
    const text = pageText(overview.html);
    expect(text).toContain('Gateways');
    expect(text).not.toContain('No gateway has announced itself');
    expect(text).toMatch(new RegExp(`${closed.replace(/[.]/g, '\\.')} 0 1`));
  });

  it('refuses an absurd range, an unknown range and an unknown API as pages that say why', async () => {
    const session = await signedIn();
    const absurd = await session.get(`/console/traffic?from=0&to=${Date.now()}&bucket=minute`);
    expect(absurd.status).toBe(400);
    expect(pageText(absurd.html)).toMatch(/at most 1500 are allowed/);
    expect(absurd.html).not.toContain('<svg');
    const backwards = await session.get(`/console/traffic?from=${Date.now()}&to=${Date.now() - 60_000}`);
    expect(backwards.status).toBe(400);
    expect(pageText(backwards.html)).toContain('must be before to');
    const range = await session.get('/console/traffic?range=forever');
    expect(range.status).toBe(400);
    expect(pageText(range.html)).toContain('must be one of 1h, 6h, 24h, 7d, 30d, 90d');
    const unknown = await session.get('/console/traffic?api_id=no-such-api');
    expect(unknown.status).toBe(404);
    expect(pageText(unknown.html)).toContain('No API has the id no-such-api.');
    const repeated = await session.get('/console/traffic?api_id=a&api_id=b');
    expect(repeated.status).toBe(400);
    expect(pageText(repeated.html)).toContain('must be given once');
  });

  it('ends the session at sign-out: the old cookie opens nothing', async () => {
    const session = await signedIn();
    const cookie = session.cookie('console_session')!;
    await session.get('/console/apis');
    const out = await session.post('/console/sign-out', {});
    expect(out.location).toBe('/console/sign-in?done=signed-out');
    const replay = await fetch(`${registry.url}/console/apis`, { headers: { cookie: `console_session=${cookie}` }, redirect: 'manual' });
    expect(replay.status).toBe(303);
  });

  it('refuses a JSON body and an oversized form as pages', async () => {
    const json = await fetch(`${registry.url}/console/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect(json.headers.get('content-type')).toContain('text/html');
    const huge = await fetch(`${registry.url}/console/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `secret=${'a'.repeat(2 * 1024 * 1024)}`,
    });
    expect(huge.status).toBe(413);
  });
});
