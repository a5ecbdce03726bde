import { Bus } from '@portcullis/bus';
import { subjects } from '@portcullis/contracts';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../../../tools/test/with-services.js';
import { AppsService } from '../src/portal/apps/apps.service.js';
import { CatalogueService } from '../src/portal/catalogue/catalogue.service.js';
import { DevelopersService } from '../src/portal/developers/developers.service.js';
import type { Developer } from '../src/portal/portal-types.js';
import { apiFixtures, policyFor, startPortalStack, type PortalStack } from './portal-fixtures.js';

/**
 * Apps and their credentials (AppsService, which the portal pages call) against the real auth
 * service: API keys applying the entry's policy, OAuth clients whose client_credentials tokens carry
 * it, rotation, deletion, and who may touch which app.
 */
describeWithServices('portal apps (PostgreSQL + NATS + the auth service)', () => {
  const tag = randomBytes(4).toString('hex');
  const keyed = `keyed-${tag}`;
  const oauth = `oauth-${tag}`;
  const gold = `gold-${tag}`;
  let stack: PortalStack;
  let apps: AppsService;
  let bus: Bus;
  let ada: Developer;
  let eve: Developer;
  let keyEntry: string;
  let clientEntry: string;

  beforeAll(async () => {
    stack = await startPortalStack();
    apps = stack.service(AppsService);
    bus = stack.service(Bus);
    expect((await stack.admin('POST', '/admin/apis', apiFixtures.keyed(keyed))).status).toBe(201);
    expect((await stack.admin('POST', '/admin/apis', apiFixtures.oauth(oauth))).status).toBe(201);
    expect((await stack.admin('POST', '/admin/policies', policyFor(gold, [keyed, oauth], { key_expires_in: 3600 }))).status).toBe(201);
    const catalogue = stack.service(CatalogueService);
    keyEntry = (await catalogue.create({ api_id: keyed, policy_id: gold, name: 'Keys', credential_kind: 'api_key' })).id;
    clientEntry = (await catalogue.create({ api_id: oauth, policy_id: gold, name: 'Clients', credential_kind: 'oauth_client' })).id;
    const developers = stack.service(DevelopersService);
    ada = await developers.signUp(`ada-${tag}@example.test`, 'correct horse battery');
    eve = await developers.signUp(`eve-${tag}@example.test`, 'correct horse battery');
  });

  afterAll(async () => {
    await stack?.close();
  });

  const lookup = (apiKey: string) => bus.request(subjects.authKeysLookup, { kind: 'key', id: apiKey });

  async function token(clientId: string, secret: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await fetch(`${stack.auth.url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

  it('an api_key app gets a key applying the entry policy (with its key_expires_in), shown once', async () => {
    const before = Math.floor(Date.now() / 1000);
    const issued = await apps.create(ada.id, { entry_id: keyEntry, name: '  Billing  ' });
    expect(issued).toEqual({
      app: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        developer_id: ada.id,
        entry_id: keyEntry,
        name: 'Billing',
        kind: 'api_key',
        key_hash: createHash('sha256').update(issued.api_key!).digest('hex'),
        client_id: null,
        provider_id: null,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
      api_key: expect.stringMatching(/^[\w-]{20,}$/),
      gateway_url: 'https://api.example.test',
      listen_path: `/${keyed}/`,
    });
    const found = await lookup(issued.api_key!);
    expect(found.found).toBe(true);
    expect(found.session).toMatchObject({ apply_policies: [gold], alias: 'Billing', meta_data: { portal_app_id: issued.app.id, portal_developer_id: ada.id } });
    expect(found.session!.expires).toBeGreaterThanOrEqual(before + 3600);
    expect(found.session!.expires).toBeLessThan(before + 3700);
    // Never shown again: the stored app and the admin's view hold only the hash.
    expect(await apps.get(ada.id, issued.app.id)).toEqual(issued.app);
    expect(JSON.stringify((await stack.admin('GET', `/admin/portal/developers/${ada.id}/apps`)).body)).not.toContain(issued.api_key);

    // Renamed: the key's alias follows, the rest of its session and the key itself are untouched.
    const renamed = await apps.rename(ada.id, issued.app.id, { name: ' Billing (prod) ' });
    expect(renamed).toMatchObject({ id: issued.app.id, name: 'Billing (prod)', key_hash: issued.app.key_hash });
    const afterRename = await lookup(issued.api_key!);
    expect(afterRename.session).toEqual({ ...found.session, alias: 'Billing (prod)' });
    await expect(apps.rename(ada.id, issued.app.id, { name: '   ' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'name' }] });
    await expect(apps.rename(eve.id, issued.app.id, { name: 'Stolen' })).rejects.toMatchObject({ code: 'not_found' });
    expect((await apps.get(ada.id, issued.app.id)).name).toBe('Billing (prod)');

    const rotated = await apps.rotate(ada.id, issued.app.id);
    expect(rotated.api_key).not.toBe(issued.api_key);
    expect(rotated.app.key_hash).toBe(createHash('sha256').update(rotated.api_key!).digest('hex'));
    expect((await lookup(issued.api_key!)).found).toBe(false);
    expect((await lookup(rotated.api_key!)).found).toBe(true);

    await apps.remove(ada.id, issued.app.id);
    expect((await lookup(rotated.api_key!)).found).toBe(false);
    await expect(apps.get(ada.id, issued.app.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it("an oauth_client app gets a client whose client_credentials tokens carry the entry's policy", async () => {
    const issued = await apps.create(ada.id, { entry_id: clientEntry, name: 'Batch' });
    expect(issued).toMatchObject({
      app: { kind: 'oauth_client', client_id: issued.client_id, key_hash: null },
      client_id: expect.any(String),
      client_secret: expect.any(String),
      token_endpoint: `https://api.example.test/${oauth}/oauth/token/`,
      gateway_url: 'https://api.example.test',
      listen_path: `/${oauth}/`,
    });
    const client = await bus.request(subjects.authClientsGet, { client_id: issued.client_id! });
    expect(client).toMatchObject({
      client_name: 'Batch',
      grant_types: ['client_credentials'],
      api_ids: [oauth],
      policy_ids: [gold],
      meta: { portal_app_id: issued.app.id },
    });

    const first = await token(issued.client_id!, issued.client_secret!);
    expect(first.status).toBe(200);
    expect(claims(first.body.access_token as string)).toMatchObject({ client_id: issued.client_id, pol: [gold] });

    // Renamed: the client's name follows; the rest of the client, and its secret, are untouched.
    await apps.rename(ada.id, issued.app.id, { name: 'Nightly batch' });
    const { updated_at: _before, ...unchanged } = client;
    expect(await bus.request(subjects.authClientsGet, { client_id: issued.client_id! })).toEqual({
      ...unchanged,
      client_name: 'Nightly batch',
      updated_at: expect.any(String),
    });
    expect((await token(issued.client_id!, issued.client_secret!)).status).toBe(200);

    const rotated = await apps.rotate(ada.id, issued.app.id);
    expect(rotated.client_id).toBe(issued.client_id);
    expect(rotated.client_secret).not.toBe(issued.client_secret);
    expect((await token(issued.client_id!, issued.client_secret!)).status).toBe(401);
    expect((await token(issued.client_id!, rotated.client_secret!)).status).toBe(200);

    await apps.remove(ada.id, issued.app.id);
    expect((await token(issued.client_id!, rotated.client_secret!)).status).toBe(401);
    await expect(bus.request(subjects.authClientsGet, { client_id: issued.client_id! })).rejects.toMatchObject({ code: 'not_found' });
  });

  it("a developer cannot see, rotate or delete another developer's app: it is answered as absent", async () => {
    const issued = await apps.create(ada.id, { entry_id: keyEntry, name: 'Private' });
    expect(await apps.list(eve.id)).toEqual([]);
    for (const attempt of [() => apps.get(eve.id, issued.app.id), () => apps.rotate(eve.id, issued.app.id), () => apps.remove(eve.id, issued.app.id)]) {
      await expect(attempt()).rejects.toMatchObject({ code: 'not_found', message: `No app with id ${JSON.stringify(issued.app.id)}` });
    }
    expect((await lookup(issued.api_key!)).found).toBe(true);
    expect((await apps.list(ada.id)).map((app) => app.id)).toContain(issued.app.id);
    await expect(apps.get(ada.id, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
    await expect(apps.get(ada.id, randomUUID())).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuses a bad request with every field named, an unknown entry with 404', async () => {
    await expect(apps.create(ada.id, {})).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'entry_id' }, { field: 'name' }] });
    await expect(apps.create(ada.id, { entry_id: keyEntry, name: '   ' })).rejects.toMatchObject({ code: 'validation_failed', details: [{ field: 'name' }] });
    await expect(apps.create(ada.id, { entry_id: keyEntry, name: 'x'.repeat(101) })).rejects.toMatchObject({ details: [{ field: 'name' }] });
    await expect(apps.create(ada.id, { entry_id: randomUUID(), name: 'Ghost' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(apps.create(randomUUID(), { entry_id: keyEntry, name: 'Nobody' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('while the auth service is down: no app is made, none is lost, and the answer says so', async () => {
    const kept = await apps.create(ada.id, { entry_id: clientEntry, name: 'Kept' });
    const before = (await apps.list(ada.id)).map((app) => app.id);
    await stack.stopAuth();
    try {
      await expect(apps.create(ada.id, { entry_id: keyEntry, name: 'Down' })).rejects.toMatchObject({ code: 'service_unavailable', status: 503 });
      await expect(apps.create(ada.id, { entry_id: clientEntry, name: 'Down' })).rejects.toMatchObject({ code: 'service_unavailable' });
      await expect(apps.rotate(ada.id, kept.app.id)).rejects.toMatchObject({ code: 'service_unavailable' });
      await expect(apps.remove(ada.id, kept.app.id)).rejects.toMatchObject({ code: 'service_unavailable' });
      expect((await apps.list(ada.id)).map((app) => app.id)).toEqual(before);
    } finally {
      await stack.restartAuth();
    }
    // The secret from before the outage still works: the failed rotation changed nothing.
    expect((await token(kept.client_id!, kept.client_secret!)).status).toBe(200);
    await apps.remove(ada.id, kept.app.id);
    expect((await token(kept.client_id!, kept.client_secret!)).status).toBe(401);
  });

  it('two rotations of one key at once: one wins, the other is refused and its key revoked; the old key is gone', async () => {
    const issued = await apps.create(ada.id, { entry_id: keyEntry, name: 'Raced' });
    const outcomes = await Promise.allSettled([apps.rotate(ada.id, issued.app.id), apps.rotate(ada.id, issued.app.id)]);
    const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const lost = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<AppsService['rotate']>>>).value;
    expect((await apps.get(ada.id, issued.app.id)).key_hash).toBe(winner.app.key_hash);
    expect((await lookup(winner.api_key!)).found).toBe(true);
    expect((await lookup(issued.api_key!)).found).toBe(false);
    // Only the winner's key is left for this app at the auth service.
    const keys = await bus.request(subjects.authKeysList, {});
    expect(keys.filter((key) => key.session.meta_data?.portal_app_id === issued.app.id).map((key) => key.key_hash)).toEqual([winner.app.key_hash]);
    await apps.remove(ada.id, issued.app.id);
  });

  it('a delete racing a rotation leaves no key behind', async () => {
    for (const delayMs of [0, 1, 3, 6, 10]) {
      const issued = await apps.create(ada.id, { entry_id: keyEntry, name: 'Short-lived' });
      const rotating = apps.rotate(ada.id, issued.app.id).then(
        (rotated) => rotated,
        (error: { code?: string }) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      const removing = apps.remove(ada.id, issued.app.id).then(
        () => 'removed',
        (error: { code?: string }) => error,
      );
      const [rotated, removed] = await Promise.all([rotating, removing]);
      const keys = await bus.request(subjects.authKeysList, {});
      const left = keys.filter((key) => key.session.meta_data?.portal_app_id === issued.app.id);
      const context = `delete after ${delayMs} ms: rotate ${JSON.stringify(rotated)}, remove ${JSON.stringify(removed)}`;
      if (removed === 'removed') {
        expect(left, context).toEqual([]);
        await expect(apps.get(ada.id, issued.app.id)).rejects.toMatchObject({ code: 'not_found' });
      } else {
        // The delete gave up against the rotation (409): the app keeps exactly the key it points at.
        expect(
          left.map((key) => key.key_hash),
          context,
        ).toEqual([(await apps.get(ada.id, issued.app.id)).key_hash]);
        await apps.remove(ada.id, issued.app.id);
      }
    }
  });

  it('a developer blocked while an app is being made ends up holding no credential', async () => {
    const developers = stack.service(DevelopersService);
    for (const delayMs of [0, 2, 5, 10, 20]) {
      const mallory = await developers.signUp(`mallory-${delayMs}-${tag}@example.test`, 'correct horse battery');
      const creating = apps.create(mallory.id, { entry_id: keyEntry, name: 'Sneaky' }).then(
        (issued) => issued,
        (error: { code?: string }) => error,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await developers.block(mallory.id);
      const outcome = await creating;
      const keys = await bus.request(subjects.authKeysList, {});
      const held = keys.filter((key) => key.session.meta_data?.portal_developer_id === mallory.id);
      // Whichever came first, nothing is left: no app, no key at the auth service.
      expect(await apps.list(mallory.id), `block after ${delayMs} ms`).toEqual([]);
      expect(held, `block after ${delayMs} ms`).toEqual([]);
      if ('app' in outcome) expect((await lookup(outcome.api_key!)).found).toBe(false);
      else expect(outcome.code).toBe('access_denied');
    }
  });

  it('a credential already gone at the auth service does not keep its app from being deleted', async () => {
    const issued = await apps.create(ada.id, { entry_id: keyEntry, name: 'Orphan' });
    await bus.request(subjects.authKeysDelete, { key: issued.app.key_hash!, hashed: true });
    await apps.remove(ada.id, issued.app.id);
    await expect(apps.get(ada.id, issued.app.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
