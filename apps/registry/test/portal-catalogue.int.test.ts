import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../../tools/test/with-services.js';
import { AppsService } from '../src/portal/apps/apps.service.js';
import { CatalogueService } from '../src/portal/catalogue/catalogue.service.js';
import { DevelopersService } from '../src/portal/developers/developers.service.js';
import { apiFixtures, policyFor, startPortalStack, type PortalStack } from './portal-fixtures.js';

/** The catalogue's admin API (/admin/portal/catalogue) and what developers see of it, on real PostgreSQL. */
describeWithServices('portal catalogue (PostgreSQL + NATS)', () => {
  const tag = randomBytes(4).toString('hex');
  const ids = {
    keyed: `keyed-${tag}`,
    oauth: `oauth-${tag}`,
    jwt: `jwt-${tag}`,
    open: `open-${tag}`,
    noCc: `nocc-${tag}`,
    gold: `gold-${tag}`,
    elsewhere: `elsewhere-${tag}`,
  };
  let stack: PortalStack;

  beforeAll(async () => {
    stack = await startPortalStack();
    for (const api of [
      apiFixtures.keyed(ids.keyed),
      apiFixtures.oauth(ids.oauth),
      apiFixtures.jwt(ids.jwt),
      apiFixtures.keyless(ids.open),
      apiFixtures.oauthWithoutClientCredentials(ids.noCc),
    ]) {
      expect((await stack.admin('POST', '/admin/apis', api)).status).toBe(201);
    }
    expect((await stack.admin('POST', '/admin/policies', policyFor(ids.gold, [ids.keyed, ids.oauth, ids.jwt, ids.noCc, ids.open]))).status).toBe(201);
    expect((await stack.admin('POST', '/admin/policies', policyFor(ids.elsewhere, [ids.oauth]))).status).toBe(201);
  });

  afterAll(async () => {
    await stack?.close();
  });

  const entry = (fields: Record<string, unknown> = {}) => ({
    api_id: ids.keyed,
    policy_id: ids.gold,
    name: 'Orders',
    description: 'Everything about orders',
    documentation: '# Orders\n\nCall `GET /orders/`.',
    credential_kind: 'api_key',
    ...fields,
  });

  it('refuses without the admin secret', async () => {
    for (const [method, path] of [
      ['GET', '/admin/portal/catalogue'],
      ['POST', '/admin/portal/catalogue'],
      ['GET', '/admin/portal/developers'],
      ['POST', `/admin/portal/developers/${randomUUID()}/block`],
    ] as const) {
      const answer = await stack.admin(method, path, method === 'POST' ? entry() : undefined, { authorization: `Bearer ${stack.secret}x` });
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.body.error).toBe('unauthorized');
    }
  });

  it('creates, reads, changes, withdraws, publishes and deletes an entry', async () => {
    const created = await stack.admin(
      'POST',
      '/admin/portal/catalogue',
      entry({ openapi: { openapi: '3.1.0', info: { title: 'Orders', version: '1' }, paths: {} } }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      api_id: ids.keyed,
      policy_id: ids.gold,
      name: 'Orders',
      description: 'Everything about orders',
      documentation: '# Orders\n\nCall `GET /orders/`.',
      openapi: { openapi: '3.1.0', info: { title: 'Orders', version: '1' }, paths: {} },
      credential_kind: 'api_key',
      provider_id: null,
      published: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    const id = created.body.id as string;
    expect(await stack.admin('GET', `/admin/portal/catalogue/${id}`)).toMatchObject({ status: 200, body: created.body });
    expect((await stack.admin('GET', '/admin/portal/catalogue')).body).toContainEqual(created.body);

    // A PUT changes what it names; the rest stays (an echoed id and timestamps are ignored).
    const changed = await stack.admin('PUT', `/admin/portal/catalogue/${id}`, { ...created.body, name: 'Orders v2', openapi: null });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id, name: 'Orders v2', description: 'Everything about orders', openapi: null, created_at: created.body.created_at });
    expect((await stack.admin('GET', `/admin/portal/catalogue/${id}`)).body).toEqual(changed.body);

    const catalogue = stack.service(CatalogueService);
    expect((await catalogue.listPublished()).map((e) => e.id)).toContain(id);
    expect(await catalogue.getPublished(id)).toMatchObject({ id, name: 'Orders v2' });

    const withdrawn = await stack.admin('POST', `/admin/portal/catalogue/${id}/withdraw`);
    expect(withdrawn).toMatchObject({ status: 200, body: { id, published: false } });
    expect((await catalogue.listPublished()).map((e) => e.id)).not.toContain(id);
    await expect(catalogue.getPublished(id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await stack.admin('GET', `/admin/portal/catalogue/${id}`)).body.published).toBe(false);

    expect(await stack.admin('POST', `/admin/portal/catalogue/${id}/publish`)).toMatchObject({ status: 200, body: { id, published: true } });
    expect(await catalogue.getPublished(id)).toMatchObject({ id });

    expect(await stack.admin('DELETE', `/admin/portal/catalogue/${id}`)).toMatchObject({ status: 204 });
    expect(await stack.admin('GET', `/admin/portal/catalogue/${id}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await stack.admin('DELETE', `/admin/portal/catalogue/${id}`)).toMatchObject({ status: 404 });
  });

  it('lists every field problem at once', async () => {
    const answer = await stack.admin('POST', '/admin/portal/catalogue', { api_id: '', name: 7, credential_kind: 'password', documentation: 1, surprise: true });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('validation_failed');
    const fields = (answer.body.details as { field: string }[]).map((d) => d.field).sort();
    expect(fields).toEqual(expect.arrayContaining(['api_id', 'policy_id', 'name', 'credential_kind', 'documentation', '(body)']));
    expect(await stack.admin('POST', '/admin/portal/catalogue', '[]')).toMatchObject({ status: 400, body: { details: [{ field: '(body)' }] } });
    expect(await stack.admin('POST', '/admin/portal/catalogue', '{"name":', {})).toMatchObject({ status: 400, body: { error: 'malformed_json' } });
    expect((await stack.admin('POST', '/admin/portal/catalogue', 'name=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
  });

  it('checks what the entry names: the API, the policy, the provider, and that they fit the kind of credential', async () => {
    const problems = async (fields: Record<string, unknown>) => {
      const answer = await stack.admin('POST', '/admin/portal/catalogue', entry(fields));
      expect(answer.status, JSON.stringify(fields)).toBe(400);
      return answer.body.details as { field: string; message: string }[];
    };
    expect(await problems({ api_id: 'ghost', policy_id: 'nobody' })).toEqual([
      { field: 'api_id', message: 'no API has id "ghost"' },
      { field: 'policy_id', message: 'no policy has id "nobody"' },
    ]);
    expect(await problems({ api_id: ids.oauth, credential_kind: 'api_key' })).toEqual([
      { field: 'credential_kind', message: expect.stringContaining('authenticates with oauth2') },
    ]);
    expect(await problems({ api_id: ids.open, credential_kind: 'api_key' })).toEqual([
      { field: 'credential_kind', message: expect.stringContaining('keyless') },
    ]);
    expect(await problems({ api_id: ids.keyed, credential_kind: 'oauth_client' })).toEqual([
      { field: 'credential_kind', message: expect.stringContaining('use_oauth2') },
    ]);
    expect(await problems({ api_id: ids.noCc, credential_kind: 'oauth_client' })).toEqual([
      { field: 'credential_kind', message: expect.stringContaining('client_credentials') },
    ]);
    expect(await problems({ api_id: ids.keyed, policy_id: ids.elsewhere })).toEqual([
      { field: 'policy_id', message: expect.stringContaining('does not grant access') },
    ]);
    // external_dcr: a provider is required, must exist, and the API must verify JWTs.
    expect(await problems({ api_id: ids.jwt, credential_kind: 'external_dcr' })).toEqual([
      { field: 'provider_id', message: 'is required for credential_kind external_dcr' },
    ]);
    expect(await problems({ api_id: ids.jwt, credential_kind: 'external_dcr', provider_id: randomUUID() })).toEqual([
      { field: 'provider_id', message: expect.stringContaining('no DCR provider') },
    ]);
    expect(await problems({ api_id: ids.keyed, provider_id: randomUUID() })).toEqual([
      { field: 'provider_id', message: 'is only for credential_kind external_dcr' },
    ]);

    expect((await stack.admin('POST', '/admin/portal/catalogue', entry({ api_id: ids.oauth, credential_kind: 'oauth_client' }))).status).toBe(201);
  });

  it('answers 404 for ids that are not entries, UUID or not', async () => {
    for (const id of [randomUUID(), 'not-a-uuid', "1'; drop table x"]) {
      expect(await stack.admin('GET', `/admin/portal/catalogue/${encodeURIComponent(id)}`)).toMatchObject({ status: 404, body: { error: 'not_found' } });
      expect((await stack.admin('PUT', `/admin/portal/catalogue/${encodeURIComponent(id)}`, { name: 'x' })).status).toBe(404);
      expect((await stack.admin('POST', `/admin/portal/catalogue/${encodeURIComponent(id)}/withdraw`)).status).toBe(404);
    }
  });

  it('keeps an entry developers hold credentials for: 409 on delete, withdrawing hides it and the app keeps working', async () => {
    const created = await stack.admin('POST', '/admin/portal/catalogue', entry());
    const id = created.body.id as string;
    const developer = await stack.service(DevelopersService).signUp(`holder-${tag}@example.test`, 'correct horse battery');
    const apps = stack.service(AppsService);
    const issued = await apps.create(developer.id, { entry_id: id, name: 'Holder app' });

    const refused = await stack.admin('DELETE', `/admin/portal/catalogue/${id}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', details: [{ field: 'id', message: expect.stringContaining('withdraw it instead') }] });

    await stack.admin('POST', `/admin/portal/catalogue/${id}/withdraw`);
    await expect(apps.create(developer.id, { entry_id: id, name: 'Too late' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await apps.get(developer.id, issued.app.id)).id).toBe(issued.app.id);
    // Rotating an app of a withdrawn entry still works: the developer keeps what they were given.
    const rotated = await apps.rotate(developer.id, issued.app.id);
    expect(rotated.api_key).toBeDefined();
    expect(rotated.api_key).not.toBe(issued.api_key);

    await apps.remove(developer.id, issued.app.id);
    expect(await stack.admin('DELETE', `/admin/portal/catalogue/${id}`)).toMatchObject({ status: 204 });
  });

  it('documents its routes in the OpenAPI document', async () => {
    const document = (await (await fetch(`${stack.registry.url}/admin/openapi.json`)).json()) as any;
    for (const path of [
      '/admin/portal/catalogue',
      '/admin/portal/catalogue/{id}',
      '/admin/portal/catalogue/{id}/withdraw',
      '/admin/portal/catalogue/{id}/publish',
      '/admin/portal/developers',
      '/admin/portal/developers/{id}',
      '/admin/portal/developers/{id}/apps',
      '/admin/portal/developers/{id}/approve',
      '/admin/portal/developers/{id}/block',
      '/admin/portal/developers/{id}/reset-link',
    ]) {
      expect(document.paths[path], path).toBeDefined();
    }
    expect(document.components.schemas.CatalogueEntryInput.properties.credential_kind.enum).toEqual(['api_key', 'oauth_client', 'external_dcr']);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['CatalogueEntry', 'Developer', 'PortalApp', 'PasswordResetLink']));
  });
});
