import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeInBrowser as inBrowser, requireChromium, watchPageProblems } from './support/chromium.js';
import { createScratchDatabase } from './support/database.js';
import { startService, type StartedService } from './support/processes.js';

const describeInBrowser = inBrowser('the OpenID browser test');
const insecure = { [oauth.allowInsecureRequests]: true } as const;

/** A relying party's callback: answers every GET or POST with a page, and keeps what arrived (form_post bodies too). */
async function startRelyingParty(): Promise<{ url: string; posted: URLSearchParams[]; close: () => Promise<void> }> {
  const posted: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (request.method === 'POST') posted.push(new URLSearchParams(body));
      response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>RP</title><p>back at the application</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, posted, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The auth service as an OpenID Provider in a real browser (headless Chromium, playwright-core):
 * a user signs in on the login page, is signed in again silently with prompt=none (query and
 * form_post), then logs out through the end_session_endpoint, after which prompt=none needs a login.
 */
describeInBrowser('OpenID Provider in a browser: sign in, silent sign-in, logout', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const admin = { authorization: `Bearer ${adminSecret}`, 'content-type': 'application/json' };
  const suffix = randomBytes(4).toString('hex');
  const password = 'correct horse battery staple';
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let registry: StartedService;
  let auth: StartedService;
  let rpServer: Awaited<ReturnType<typeof startRelyingParty>>;
  let browser: Browser;
  let context: BrowserContext;
  let as: oauth.AuthorizationServer;
  let rp: { client_id: string; client_secret: string };
  const pageProblems: string[] = [];

  beforeAll(async () => {
    const executablePath = requireChromium();
    [database, rpServer] = await Promise.all([createScratchDatabase('portcullis_e2e_openid_browser'), startRelyingParty()]);
    [registry, auth] = await Promise.all([
      startService('registry', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
      startService('auth', { adminSecret, database: database.name, readyTimeoutMs: 60_000 }),
    ]);
    rp = await adminCall('POST', '/admin/oauth/clients', {
      client_name: 'Browser RP',
      redirect_uris: [`${rpServer.url}/callback`],
      post_logout_redirect_uris: [`${rpServer.url}/bye`],
      grant_types: ['authorization_code'],
      scope: 'openid profile',
    });
    await adminCall('POST', '/admin/oauth/users', { username: `ada-${suffix}`, password });
    const issuer = new URL(auth.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
    browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
    context = await browser.newContext();
    watchPageProblems(context, pageProblems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.allSettled([auth, registry].filter(Boolean).map((service) => service.stop()));
    await rpServer?.close();
    await database?.drop();
  });

  async function adminCall(method: string, path: string, body?: unknown): Promise<any> {
    const response = await fetch(`${registry.url}${path}`, { method, headers: admin, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : undefined;
  }

  async function authorizationRequest(extra: Record<string, string> = {}) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    const parameters = {
      response_type: 'code',
      client_id: rp.client_id,
      redirect_uri: `${rpServer.url}/callback`,
      scope: 'openid profile',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...extra,
    };
    for (const [name, value] of Object.entries(parameters)) url.searchParams.set(name, value);
    return { url: url.href, verifier, state, nonce };
  }

  async function redeem(flow: Awaited<ReturnType<typeof authorizationRequest>>, parameters: URLSearchParams | URL) {
    const callback = oauth.validateAuthResponse(as, { client_id: rp.client_id }, parameters, flow.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      { client_id: rp.client_id },
      oauth.ClientSecretBasic(rp.client_secret),
      callback,
      `${rpServer.url}/callback`,
      flow.verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, { client_id: rp.client_id }, response, { expectedNonce: flow.nonce, requireIdToken: true });
    return { tokens, claims: oauth.getValidatedIdTokenClaims(tokens)! };
  }

  async function arriveAt(page: Page, path: string): Promise<URL> {
    await page.waitForURL((url) => url.href.startsWith(`${rpServer.url}${path}`), { timeout: 15_000 });
    return new URL(page.url());
  }

  it('signs in on the pages, again silently with prompt=none (query and form_post), then logs out', async () => {
    const page = await context.newPage();

    // 1. The login page: username, password, Allow.
    const first = await authorizationRequest();
    await page.goto(first.url);
    await page.getByLabel('Username').fill(`ada-${suffix}`);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Allow' }).click();
    const signedIn = await redeem(first, await arriveAt(page, '/callback'));
    expect(signedIn.claims.amr).toEqual(['pwd']);

    // 2. prompt=none: straight back with a code, no page in between, same user and sign-in.
    const silent = await authorizationRequest({ prompt: 'none' });
    await page.goto(silent.url);
    const again = await redeem(silent, await arriveAt(page, '/callback'));
    expect(again.claims).toMatchObject({ sub: signedIn.claims.sub, auth_time: signedIn.claims.auth_time });

    // 3. prompt=none with form_post: the page's script (allowed by its CSP hash) posts the code to the RP.
    const posted = await authorizationRequest({ prompt: 'none', response_mode: 'form_post' });
    await page.goto(posted.url);
    await arriveAt(page, '/callback');
    const body = rpServer.posted.at(-1)!;
    expect((await redeem(posted, body)).claims.sub).toBe(signedIn.claims.sub);

    // 4. Logout with the ID Token: back at the RP's registered URI with state.
    const logout = new URL(as.end_session_endpoint!);
    logout.searchParams.set('id_token_hint', again.tokens.id_token!);
    logout.searchParams.set('post_logout_redirect_uri', `${rpServer.url}/bye`);
    logout.searchParams.set('state', 'bye-state');
    await page.goto(logout.href);
    expect((await arriveAt(page, '/bye')).searchParams.get('state')).toBe('bye-state');
    expect((await context.cookies(auth.url)).map((cookie) => cookie.name)).not.toContain('portcullis_session');

    // 5. Signed out: prompt=none now answers login_required.
    const after = await authorizationRequest({ prompt: 'none' });
    await page.goto(after.url);
    const refused = await arriveAt(page, '/callback');
    expect(refused.searchParams.get('error')).toBe('login_required');
    expect(refused.searchParams.get('state')).toBe(after.state);

    expect(pageProblems).toEqual([]);
  });
});
