import { Bus } from '@portcullis/bus';
import { subjects, type ClientBinding } from '@portcullis/contracts';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startDcrProvider, type DcrProviderFixture } from '../../../tools/test/oidc-dcr-provider.js';
import { describeWithServices } from '../../../tools/test/with-services.js';
import { AppsService } from '../src/portal/apps/apps.service.js';
import { CatalogueService } from '../src/portal/catalogue/catalogue.service.js';
import { DevelopersService } from '../src/portal/developers/developers.service.js';
import { ExternalRegistrations } from '../src/portal/providers/external-registrations.js';
import type { Developer } from '../src/portal/portal-types.js';
import { policyFor, startPortalStack, type PortalStack } from './portal-fixtures.js';

/**
 * external_dcr apps (AppsService) against a real oidc-provider: the client registered there, bound
 * to the entry's policy for the gateways, rotated and deleted at the provider; a provider that
 * refuses or is down, or a write of ours that fails, leaves nothing half-registered.
 */
describeWithServices('portal external_dcr apps (PostgreSQL + NATS + oidc-provider)', () => {
  const tag = randomBytes(4).toString('hex');
  const api = `partners-${tag}`;
  const gold = `gold-${tag}`;
  let stack: PortalStack;
  let idp: DcrProviderFixture;
  let apps: AppsService;
  let ada: Developer;
  let eve: Developer;
  let entryId: string;
  let providerId: string;

  beforeAll(async () => {
    idp = await startDcrProvider();
    stack = await startPortalStack();
    apps = stack.service(AppsService);
    const provider = await stack.admin('POST', '/admin/portal/providers', {
      name: 'Partner IdP',
      discovery_url: idp.issuer,
      initial_access_token: idp.initialAccessToken,
    });
    expect(provider.status, JSON.stringify(provider.body)).toBe(201);
    providerId = provider.body.id;
    const definition = {
      api_id: api,
      name: 'Partners',
      enable_jwt: true,
      jwt_identity_base_field: 'client_id',
      jwt_issuers: [{ issuer: idp.issuer, signing_methods: ['ES256'] }],
      proxy: { listen_path: `/${api}/`, target_url: 'http://127.0.0.1:9', strip_listen_path: true },
    };
    expect((await stack.admin('POST', '/admin/apis', definition)).status).toBe(201);
    expect((await stack.admin('POST', '/admin/policies', policyFor(gold, [api]))).status).toBe(201);
    entryId = (
      await stack
        .service(CatalogueService)
        .create({ api_id: api, policy_id: gold, name: 'Partners', credential_kind: 'external_dcr', provider_id: provider.body.id })
    ).id;
    const developers = stack.service(DevelopersService);
    ada = await developers.signUp(`ada-${tag}@example.test`, 'correct horse battery');
    eve = await developers.signUp(`eve-${tag}@example.test`, 'correct horse battery');
  });

  afterAll(async () => {
    await stack?.close();
    await idp?.close();
  });

  async function bindings(): Promise<ClientBinding[]> {
    return (await stack.service(Bus).request(subjects.registrySnapshot, {})).client_bindings;
  }

  async function rows(table: 'portal_apps' | 'external_registrations' | 'client_bindings'): Promise<number> {
    const [row] = await stack.dataSource.query(`SELECT count(*)::int AS n FROM "${stack.schema}".${table}`);
    return row.n as number;
  }

  it('a provider a catalogue entry still sends developers to cannot be deleted; once no entry names it, it can', async () => {
    const refused = await stack.admin('DELETE', `/admin/portal/providers/${providerId}`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('1 catalogue entry') });
    expect((await stack.admin('GET', `/admin/portal/providers/${providerId}`)).status).toBe(200);

    const spare = await stack.admin('POST', '/admin/portal/providers', {
      name: 'Spare IdP',
      discovery_url: idp.issuer,
      initial_access_token: idp.initialAccessToken,
    });
    expect(spare.status, JSON.stringify(spare.body)).toBe(201);
    const catalogue = stack.service(CatalogueService);
    const entry = await catalogue.create({
      api_id: api,
      policy_id: gold,
      name: 'Partners (spare)',
      credential_kind: 'external_dcr',
      provider_id: spare.body.id,
    });
    expect((await stack.admin('DELETE', `/admin/portal/providers/${spare.body.id}`)).status).toBe(409);
    await catalogue.remove(entry.id);
    expect((await stack.admin('DELETE', `/admin/portal/providers/${spare.body.id}`)).status).toBe(204);

    // The foreign key is what holds when a delete and a save race past these checks.
    const dangling = stack.dataSource.query(
      `INSERT INTO "${stack.schema}".catalogue_entries (id, api_id, policy_id, name, credential_kind, provider_id) VALUES (gen_random_uuid(), $1, $2, 'dangling', 'external_dcr', $3)`,
      [api, gold, spare.body.id],
    );
    await expect(dangling).rejects.toMatchObject({ driverError: { code: '23503', constraint: 'catalogue_entries_provider_fkey' } });
  });

  it('registers a client at the provider, bound to the entry policy; its client_credentials tokens are issued', async () => {
    const issued = await apps.create(ada.id, { entry_id: entryId, name: 'Partner sync' });
    expect(issued).toMatchObject({
      app: { kind: 'external_dcr', client_id: issued.client_id, provider_id: expect.any(String), key_hash: null },
      client_id: expect.any(String),
      client_secret: expect.any(String),
      token_endpoint: `${idp.issuer}/token`,
      gateway_url: 'https://api.example.test',
      listen_path: `/${api}/`,
    });
    expect(idp.clientIds()).toContain(issued.client_id);
    expect(await bindings()).toContainEqual({ issuer: idp.issuer, client_id: issued.client_id, api_id: api, policy_ids: [gold], app_id: issued.app.id });
    const token = await idp.clientCredentials(issued.client_id!, issued.client_secret!);
    expect(token.status).toBe(200);

    // Another developer cannot rotate or delete it: it stays registered and bound.
    await expect(apps.remove(eve.id, issued.app.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(apps.rotate(eve.id, issued.app.id)).rejects.toMatchObject({ code: 'not_found' });
    expect(idp.clientIds()).toContain(issued.client_id);

    // Renamed: RFC 7592 replaces the client's metadata at the provider; the client and its secret stay.
    await apps.rename(ada.id, issued.app.id, { name: 'Partner sync (EU)' });
    const registration = (await stack.service(ExternalRegistrations).get(issued.app.id))!;
    const read = await fetch(registration.registration_client_uri, { headers: { authorization: `Bearer ${registration.registration_access_token}` } });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ client_id: issued.client_id, client_name: 'Partner sync (EU)' });
    expect((await apps.get(ada.id, issued.app.id)).name).toBe('Partner sync (EU)');
    expect((await idp.clientCredentials(issued.client_id!, issued.client_secret!)).status).toBe(200);

    // Rotation: a new client in place of the old, which is deleted at the provider and unbound.
    const rotated = await apps.rotate(ada.id, issued.app.id);
    expect(rotated.client_id).not.toBe(issued.client_id);
    expect(rotated.app).toMatchObject({ id: issued.app.id, client_id: rotated.client_id });
    expect(idp.clientIds()).toContain(rotated.client_id);
    expect(idp.clientIds()).not.toContain(issued.client_id);
    const afterRotation = await bindings();
    expect(afterRotation.map((binding) => binding.client_id)).toContain(rotated.client_id);
    expect(afterRotation.map((binding) => binding.client_id)).not.toContain(issued.client_id);
    expect((await idp.clientCredentials(issued.client_id!, issued.client_secret!)).status).toBe(401);
    expect((await idp.clientCredentials(rotated.client_id!, rotated.client_secret!)).status).toBe(200);

    await apps.remove(ada.id, issued.app.id);
    expect(idp.clientIds()).not.toContain(rotated.client_id);
    expect((await bindings()).map((binding) => binding.client_id)).not.toContain(rotated.client_id);
    expect([await rows('portal_apps'), await rows('external_registrations'), await rows('client_bindings')]).toEqual([0, 0, 0]);
  });

  it('a delete racing a rotation leaves no client at the provider and no binding', async () => {
    const before = idp.clientIds().length;
    const issued = await apps.create(ada.id, { entry_id: entryId, name: 'Raced' });
    const [rotated, removed] = await Promise.all([
      apps.rotate(ada.id, issued.app.id).then(
        (value) => value,
        (error: unknown) => error,
      ),
      new Promise((resolve) => setTimeout(resolve, 2)).then(() =>
        apps.remove(ada.id, issued.app.id).then(
          () => 'removed',
          (error: unknown) => error,
        ),
      ),
    ]);
    expect(removed, JSON.stringify(rotated)).toBe('removed');
    expect(idp.clientIds()).toHaveLength(before);
    expect([await rows('portal_apps'), await rows('external_registrations'), await rows('client_bindings')]).toEqual([0, 0, 0]);
  });

  it('a provider that refuses: the developer gets its reason, and nothing is stored', async () => {
    const clients = idp.clientIds().length;
    await expect(apps.create(ada.id, { entry_id: entryId, name: 'Forbidden name' })).rejects.toMatchObject({
      code: 'provider_refused',
      message: expect.stringContaining('not allowed'),
    });
    expect(idp.clientIds()).toHaveLength(clients);
    expect([await rows('portal_apps'), await rows('external_registrations'), await rows('client_bindings')]).toEqual([0, 0, 0]);
  });

  it('a write of ours that fails after the provider registered the client: the client is deleted there again', async () => {
    const clients = idp.clientIds().length;
    // The binding cannot be written: the app's transaction rolls back after the registration.
    await stack.dataSource.query(`ALTER TABLE "${stack.schema}".client_bindings RENAME TO client_bindings_away`);
    try {
      // The write's own failure comes back (the table it needs is away), after the clean-up ran.
      await expect(apps.create(ada.id, { entry_id: entryId, name: 'Unlucky' })).rejects.toThrow(/relation "[^"]+\.client_bindings" does not exist/);
    } finally {
      await stack.dataSource.query(`ALTER TABLE "${stack.schema}".client_bindings_away RENAME TO client_bindings`);
    }
    expect(idp.clientIds()).toHaveLength(clients);
    expect([await rows('portal_apps'), await rows('external_registrations')]).toEqual([0, 0]);
  });

  it('a provider that is down: no app is made, and an app cannot be deleted (it is kept, so nothing is orphaned)', async () => {
    const kept = await apps.create(ada.id, { entry_id: entryId, name: 'Kept' });
    await idp.close();
    await expect(apps.create(ada.id, { entry_id: entryId, name: 'Down' })).rejects.toMatchObject({ code: 'provider_unavailable', status: 502 });
    await expect(apps.remove(ada.id, kept.app.id)).rejects.toMatchObject({ code: 'provider_unavailable' });
    expect((await apps.list(ada.id)).map((app) => app.id)).toEqual([kept.app.id]);
    expect((await bindings()).map((binding) => binding.client_id)).toEqual([kept.client_id]);
    // Blocking the developer meanwhile: blocked, the app kept for a later retry.
    const blocked = await stack.admin('POST', `/admin/portal/developers/${ada.id}/block`);
    expect(blocked.status).toBe(502);
    expect(blocked.body).toMatchObject({ error: 'provider_unavailable', message: expect.stringContaining('1 of 1 apps could not be revoked') });
    expect((await apps.list(ada.id)).map((app) => app.id)).toEqual([kept.app.id]);
  });
});
