import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDcrProvider, type DcrProviderFixture } from '../tools/test/oidc-dcr-provider.js';
import { describeWithServices } from '../tools/test/with-services.js';
import { repoRoot } from './support/compose-services.js';
import { createScratchDatabase } from './support/database.js';
import { freePort, runSubjectPrefix, startService, startUpstream, waitFor, type StartedService, type Upstream } from './support/processes.js';
import { startStack, type Stack } from './support/stack.js';

/** The built command, as `npx portcullis` runs it (the package's bin). */
const cli = join(repoRoot, 'apps/cli/dist/main.js');
const tyk = join(repoRoot, '../shared/tyk');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function portcullis(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/**
 * `portcullis export | diff | apply` against real registries: one seeded (with its own subject
 * namespace, so the gateway of the other stack never hears it), one empty with a gateway in front,
 * so an applied change is seen routing requests.
 */
describeWithServices('portcullis: export, diff and apply the configuration as files', () => {
  const secret = randomBytes(24).toString('base64url');
  let seeded: StartedService;
  let dropSeeded: () => Promise<void>;
  let stack: Stack;
  let first: Upstream;
  let second: Upstream;
  let provider: DcrProviderFixture;
  let work: string;
  let exported: string;

  const seededEnv = () => ({ PORTCULLIS_ADMIN_URL: seeded.url, ADMIN_SECRET: secret });
  const targetEnv = () => ({
    PORTCULLIS_ADMIN_URL: stack.registry.url,
    ADMIN_SECRET: secret,
    PORTCULLIS_PROVIDER_PARTNER_IDP_TOKEN: provider.initialAccessToken,
  });

  async function admin(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  }

  /** Everything the target registry holds, to show a refused apply changed nothing. */
  async function everything(base: string) {
    const paths = ['/admin/apis', '/admin/policies', '/admin/portal/catalogue', '/admin/portal/providers'];
    return Promise.all(paths.map(async (path) => (await admin(base, 'GET', path)).json));
  }

  beforeAll(async () => {
    [first, second, provider] = await Promise.all([startUpstream(), startUpstream(), startDcrProvider()]);
    const database = await createScratchDatabase('cli_seeded');
    dropSeeded = () => database.drop();
    seeded = await startService('registry', {
      adminSecret: secret,
      database: database.name,
      readyTimeoutMs: 60_000,
      env: { NATS_SUBJECT_PREFIX: `${runSubjectPrefix}seeded.` },
    });
    stack = await startStack('cli_target', secret);
    const seed: [string, unknown][] = [
      [
        '/admin/policies',
        {
          id: 'gold',
          name: 'Gold',
          rate: 100,
          per: 60,
          access_rights: { orders: { api_id: 'orders', versions: ['Default'] }, billing: { api_id: 'billing', versions: ['Default'] } },
        },
      ],
      ['/admin/apis', { api_id: 'orders', name: 'Orders', use_keyless: true, proxy: { listen_path: '/cli-orders/', target_url: first.url } }],
      ['/admin/apis', { api_id: 'billing', name: 'Billing', proxy: { listen_path: '/cli-billing/', target_url: first.url } }],
    ];
    for (const [path, body] of seed) expect((await admin(seeded.url, 'POST', path, body)).status).toBe(201);
    const created = await admin(seeded.url, 'POST', '/admin/portal/providers', {
      name: 'Partner IdP',
      discovery_url: provider.issuer,
      initial_access_token: provider.initialAccessToken,
    });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const entry = await admin(seeded.url, 'POST', '/admin/portal/catalogue', {
      api_id: 'billing',
      policy_id: 'gold',
      name: 'Billing',
      credential_kind: 'api_key',
    });
    expect(entry.status, JSON.stringify(entry.json)).toBe(201);
    work = await mkdtemp(join(tmpdir(), 'portcullis-cli-'));
    exported = join(work, 'exported');
  }, 180_000);

  afterAll(async () => {
    await Promise.allSettled([seeded?.stop(), stack?.stop(), first?.close(), second?.close(), provider?.close()]);
    await dropSeeded?.();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('exports every item as one YAML file each, sorted keys, secrets as env references, the same bytes twice', async () => {
    const run = await portcullis(['export', exported], seededEnv());
    expect(run.code, run.stderr).toBe(0);
    const files = async () => {
      const names = (await readdir(exported, { recursive: true })).filter((name) => name.endsWith('.yaml')).sort();
      return Promise.all(names.map(async (name) => [name, await readFile(join(exported, name), 'utf8')] as const));
    };
    const once = await files();
    expect(once.map(([name]) => name.replace(/[0-9a-f-]{36}/, 'UUID'))).toEqual([
      'apis/billing.yaml',
      'apis/orders.yaml',
      'catalogue/UUID.yaml',
      'policies/gold.yaml',
      'providers/UUID.yaml',
    ]);
    const providerFile = once.find(([name]) => name.startsWith('providers/'))![1];
    expect(providerFile).toContain('initial_access_token: ${env:PORTCULLIS_PROVIDER_PARTNER_IDP_TOKEN}');
    expect(once.map(([, text]) => text).join('\n')).not.toContain(provider.initialAccessToken);
    expect(run.stdout).toContain('$PORTCULLIS_PROVIDER_PARTNER_IDP_TOKEN');
    const orders = once.find(([name]) => name === 'apis/orders.yaml')![1];
    expect(orders.indexOf('api_id:')).toBeLessThan(orders.indexOf('name:'));
    expect(orders.indexOf('name:')).toBeLessThan(orders.indexOf('proxy:'));
    expect(await portcullis(['export', exported], seededEnv())).toMatchObject({ code: 0 });
    expect(await files()).toEqual(once);
  });

  it('POST /admin/config/apply is in the OpenAPI document, and a malformed set is a 400 naming the field', async () => {
    const document = (await admin(seeded.url, 'GET', '/admin/openapi.json')).json as { paths: Record<string, { post?: { responses: object } }> };
    expect(Object.keys(document.paths['/admin/config/apply']?.post?.responses ?? {}).sort()).toEqual(['200', '400', '401', '409', '413', '415', '502']);
    const malformed = await admin(seeded.url, 'POST', '/admin/config/apply', { apis: 5, routes: [] });
    expect(malformed.status).toBe(400);
    expect((malformed.json as { details: { field: string }[] }).details.map((detail) => detail.field).sort()).toEqual(['(body)', 'apis']);
  });

  it('applies the export to an empty registry, after which diff shows nothing and apply again changes nothing', async () => {
    const dryRun = await portcullis(['apply', exported, '--dry-run'], targetEnv());
    expect(dryRun.code, dryRun.stderr).toBe(0);
    expect(dryRun.stdout).toContain('Dry run, nothing changed: 5 to create');
    expect(await everything(stack.registry.url)).toEqual([[], [], [], []]);

    const applied = await portcullis(['apply', exported], targetEnv());
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toMatch(/^KIND\s+ID\s+NAME\s+ACTION\s+CHANGED FIELDS$/m);
    expect(applied.stdout).toContain('Applied: 5 to create, 0 to update, 0 to delete, 0 unchanged');

    const diff = await portcullis(['diff', exported], targetEnv());
    expect(diff.code, diff.stdout + diff.stderr).toBe(0);
    expect(diff.stdout).toContain('Plan: 0 to create, 0 to update, 0 to delete, 5 unchanged');
    const again = await portcullis(['apply', exported], targetEnv());
    expect(again.stdout).toContain('Applied: 0 to create, 0 to update, 0 to delete, 5 unchanged');

    // The provider's token travelled through the environment, and was sealed as a token is.
    const [, , , providers] = (await everything(stack.registry.url)) as Record<string, unknown>[][];
    const [, , , seededProviders] = (await everything(seeded.url)) as Record<string, unknown>[][];
    expect(providers![0]).toMatchObject({ id: seededProviders![0]!.id, name: 'Partner IdP', has_initial_access_token: true });

    await waitFor(async () => (await fetch(`${stack.gateway.url}/cli-orders/ping`)).status === 200, { timeoutMs: 15_000, message: 'orders routed' });
  });

  it('diff shows one update of an edited file, and apply routes requests the new way', async () => {
    const file = join(exported, 'apis/orders.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(first.url, second.url));
    const diff = await portcullis(['diff', exported], targetEnv());
    expect(diff.code).toBe(2);
    expect(diff.stdout).toMatch(/^api\s+orders\s+Orders\s+update\s+proxy$/m);
    expect(diff.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete, 4 unchanged');

    const before = second.requests.length;
    const applied = await portcullis(['apply', exported], targetEnv());
    expect(applied.code, applied.stderr).toBe(0);
    await waitFor(
      async () => {
        await fetch(`${stack.gateway.url}/cli-orders/ping`);
        return second.requests.length > before;
      },
      { timeoutMs: 15_000, message: 'the gateway to route orders to the second upstream' },
    );
    expect((await portcullis(['diff', exported], targetEnv())).code).toBe(0);
  });

  it('a failing item leaves everything as it was: the valid items of the set are not written either', async () => {
    const broken = join(work, 'broken');
    await cp(exported, broken, { recursive: true });
    await writeFile(
      join(broken, 'apis/new.yaml'),
      `kind: api\nspec:\n  api_id: new\n  name: New\n  use_keyless: true\n  proxy:\n    listen_path: /cli-new/\n    target_url: ${first.url}\n`,
    );
    const policy = join(broken, 'policies/gold.yaml');
    await writeFile(policy, (await readFile(policy, 'utf8')).replace('rate: 100', 'rate: -5'));
    const before = await everything(stack.registry.url);
    const run = await portcullis(['apply', broken], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('policies/gold.yaml: rate:');
    expect(run.stderr).toContain('Nothing was changed.');
    expect(await everything(stack.registry.url)).toEqual(before);
    expect((await portcullis(['diff', broken], targetEnv())).code).toBe(1);
  });

  it('swaps two listen paths in one apply (and back), the gateway routing each path to the other API', async () => {
    // Each API takes the other's stored path: one transaction, the listen paths checked at its COMMIT.
    const swapped = join(work, 'swapped');
    await cp(exported, swapped, { recursive: true });
    const swap = async (file: string, from: string, to: string) =>
      writeFile(join(swapped, file), (await readFile(join(swapped, file), 'utf8')).replace(from, to));
    await swap('apis/orders.yaml', '/cli-orders/', '/cli-billing/');
    await swap('apis/billing.yaml', '/cli-billing/', '/cli-orders/');
    const routed = (ordersPath: string, billingPath: string, message: string) =>
      waitFor(
        async () =>
          // Orders is keyless (200); billing wants a key (401 without one).
          (await fetch(`${stack.gateway.url}${ordersPath}ping`)).status === 200 && (await fetch(`${stack.gateway.url}${billingPath}ping`)).status === 401,
        { timeoutMs: 15_000, message },
      );
    let run = await portcullis(['apply', swapped], targetEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Applied: 0 to create, 2 to update, 0 to delete, 3 unchanged');
    await routed('/cli-billing/', '/cli-orders/', 'the gateway to route the swapped paths');
    run = await portcullis(['apply', exported], targetEnv());
    expect(run.code, run.stderr).toBe(0);
    await routed('/cli-orders/', '/cli-billing/', 'the gateway to route the paths swapped back');
    expect((await portcullis(['diff', exported], targetEnv())).code).toBe(0);
  });

  it('refuses bad input with a clear error, changing nothing', async () => {
    const before = await everything(stack.registry.url);
    const bad = join(work, 'bad');
    await cp(exported, bad, { recursive: true });
    await writeFile(join(bad, 'apis/orders.yaml'), 'kind: api\nspec:\n  api_id: orders\n  proxy: [unclosed\n');
    let run = await portcullis(['apply', bad], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/apis\/orders\.yaml:\d+:\d+: not valid YAML/);

    await cp(exported, bad, { recursive: true });
    await writeFile(join(bad, 'apis/extra.yaml'), 'kind: gateway\nspec: {}\n');
    run = await portcullis(['apply', bad], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('apis/extra.yaml: kind: must be one of api, policy, catalogue, provider, got "gateway"');

    await rm(join(bad, 'apis/extra.yaml'));
    run = await portcullis(['apply', bad], { ...targetEnv(), ADMIN_SECRET: 'wrong' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('401');

    run = await portcullis(['apply', bad], { ...targetEnv(), PORTCULLIS_ADMIN_URL: `http://127.0.0.1:${await freePort()}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('cannot reach the registry');

    const { PORTCULLIS_PROVIDER_PARTNER_IDP_TOKEN: _token, ...withoutToken } = targetEnv();
    run = await portcullis(['apply', bad], withoutToken);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('environment variable PORTCULLIS_PROVIDER_PARTNER_IDP_TOKEN is not set');
    expect(await everything(stack.registry.url)).toEqual(before);
  });

  it('deletes only with --prune, and never everything', async () => {
    const fewer = join(work, 'fewer');
    await cp(exported, fewer, { recursive: true });
    const entryFile = (await readdir(join(fewer, 'catalogue')))[0]!;
    await rm(join(fewer, 'catalogue', entryFile));
    await rm(join(fewer, 'apis/billing.yaml'));
    const before = await everything(stack.registry.url);
    let run = await portcullis(['apply', fewer], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('2 stored item(s) are not in the set; apply with prune (--prune)');
    expect(await everything(stack.registry.url)).toEqual(before);

    const diff = await portcullis(['diff', fewer], targetEnv());
    expect(diff.code).toBe(2);
    expect(diff.stdout).toMatch(/^api\s+billing\s+Billing\s+delete \(needs --prune\)/m);

    const empty = join(work, 'empty');
    await cp(exported, empty, { recursive: true });
    for (const folder of ['apis', 'policies', 'catalogue', 'providers']) await rm(join(empty, folder), { recursive: true });
    run = await portcullis(['apply', empty, '--prune'], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('would delete everything');
    expect(await everything(stack.registry.url)).toEqual(before);

    run = await portcullis(['apply', fewer, '--prune'], targetEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Applied: 0 to create, 0 to update, 2 to delete, 3 unchanged');
    expect((await admin(stack.registry.url, 'GET', '/admin/apis/billing')).status).toBe(404);
    await waitFor(async () => (await fetch(`${stack.gateway.url}/cli-billing/x`)).status === 404, {
      timeoutMs: 15_000,
      message: 'billing gone from the gateway',
    });
  });

  it("reads Tyk Sync's layout (.tyk.json and Tyk definition files), refusing a Tyk feature by file", async () => {
    const sync = join(work, 'tyk-sync');
    await cp(exported, sync, { recursive: true });
    await rm(join(sync, 'apis/billing.yaml'));
    await rm(join(sync, 'catalogue'), { recursive: true });
    for (const name of ['quickstart.json', 'jq.json', 'app_sample.json']) await cp(join(tyk, 'apps', name), join(sync, name));
    await cp(join(tyk, 'policies/policies.json'), join(sync, 'policies.json'));
    const index = (files: string[]) =>
      writeFile(join(sync, '.tyk.json'), JSON.stringify({ type: 'apidef', files: files.map((file) => ({ file })), policies: [{ file: 'policies.json' }] }));
    await index(['quickstart.json', 'jq.json', 'app_sample.json']);
    const before = await everything(stack.registry.url);
    let run = await portcullis(['apply', sync], targetEnv());
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('app_sample.json: enable_batch_request_support');
    expect(await everything(stack.registry.url)).toEqual(before);

    await index(['quickstart.json', 'jq.json']);
    run = await portcullis(['apply', sync], targetEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Applied: 3 to create');
    expect((await admin(stack.registry.url, 'GET', '/admin/policies/default')).status).toBe(200);
    expect((await portcullis(['diff', sync], targetEnv())).code).toBe(0);
  });
});
