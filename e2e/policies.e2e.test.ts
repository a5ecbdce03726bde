import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithServices } from '../tools/test/with-services.js';
import { createScratchDatabase } from './support/database.js';
import { startService, waitFor, type StartedService } from './support/processes.js';

/**
 * Policies across processes: the registry (importing a Tyk policies.json at start) and two gateways
 * over the machine's NATS and PostgreSQL. Tyk's /tyk/policies on a gateway is served by the registry;
 * each change reaches every gateway's configuration, seen here as its /ready revision moving on.
 */
describeWithServices('policies: Tyk /tyk/policies through the gateway, changes reaching every gateway', () => {
  const adminSecret = randomBytes(24).toString('base64url');
  const tyk = { 'x-tyk-authorization': adminSecret, 'content-type': 'application/json' };
  let database: Awaited<ReturnType<typeof createScratchDatabase>>;
  let dir: string;
  let registry: StartedService;
  let gateways: StartedService[] = [];

  beforeAll(async () => {
    database = await createScratchDatabase('portcullis_e2e_pol');
    dir = await mkdtemp(join(tmpdir(), 'portcullis-e2e-policies-'));
    // Tyk 2.x's file-based shape: keyed by id, no name, access rights without api_id.
    await writeFile(
      join(dir, 'policies.json'),
      JSON.stringify({
        openApi: {
          rate: 1000,
          per: 1,
          quota_max: 100,
          quota_renewal_rate: 60,
          access_rights: { openApi: { api_name: 'Open API', versions: ['Default'] } },
          org_id: '1',
          active: true,
        },
      }),
    );
    registry = await startService('registry', {
      adminSecret,
      database: database.name,
      readyTimeoutMs: 60_000,
      env: { IMPORT_POLICIES_FILE: join(dir, 'policies.json') },
    });
    gateways = await Promise.all([startService('gateway', { adminSecret }), startService('gateway', { adminSecret })]);
    for (const gateway of gateways) {
      await waitFor(async () => (await fetch(`${gateway.url}/ready`)).status === 200, { timeoutMs: 15_000, message: `${gateway.url}/ready` });
    }
  });

  afterAll(async () => {
    await Promise.allSettled([...gateways, registry].filter(Boolean).map((service) => service.stop()));
    await database?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function tykCall(gateway: StartedService, method: string, path: string, body?: unknown) {
    const response = await fetch(`${gateway.url}${path}`, { method, headers: tyk, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as any };
  }

  const revisionOf = async (gateway: StartedService) => ((await (await fetch(`${gateway.url}/ready`)).json()) as { revision: number }).revision;

  /** Every gateway's configuration reaches `revision` within a second (the bound). */
  async function everyGatewayAt(revision: number) {
    for (const gateway of gateways) {
      await waitFor(async () => (await revisionOf(gateway)) === revision, {
        timeoutMs: 1_000,
        intervalMs: 20,
        message: `${gateway.url} at revision ${revision}`,
      });
    }
  }

  it('serves the policies imported at start through /tyk/policies', async () => {
    const listed = await tykCall(gateways[0]!, 'GET', '/tyk/policies');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: 'openApi',
        name: 'openApi',
        rate: 1000,
        quota_max: 100,
        access_rights: { openApi: expect.objectContaining({ api_id: 'openApi' }) },
      }),
    ]);
    // The gateways loaded it with their snapshot: one write (the import) so far.
    expect(await revisionOf(gateways[0]!)).toBe(1);
    expect(await revisionOf(gateways[1]!)).toBe(1);
  });

  it("creates, reads, replaces and deletes a policy with Tyk's bodies, each change reaching both gateways", async () => {
    const start = await revisionOf(gateways[0]!);
    const policy = {
      id: 'gold',
      name: 'Gold',
      rate: 100,
      per: 60,
      quota_max: -1,
      access_rights: { orders: { api_id: 'orders', versions: ['Default'], allowed_urls: [{ url: '/items', methods: ['GET'] }] } },
      tags: ['gold'],
    };

    const created = await tykCall(gateways[0]!, 'POST', '/tyk/policies', policy);
    expect(created).toEqual({ status: 200, body: { key: 'gold', status: 'ok', action: 'added' } });
    await everyGatewayAt(start + 1);

    // Read through the other gateway: the registry answers for both.
    const read = await tykCall(gateways[1]!, 'GET', '/tyk/policies/gold');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ ...policy, is_inactive: false, key_expires_in: 0 });

    const modified = await tykCall(gateways[1]!, 'PUT', '/tyk/policies/gold', { ...policy, rate: 200 });
    expect(modified).toEqual({ status: 200, body: { key: 'gold', status: 'ok', action: 'modified' } });
    await everyGatewayAt(start + 2);
    expect((await tykCall(gateways[0]!, 'GET', '/tyk/policies/gold')).body.rate).toBe(200);

    const deleted = await tykCall(gateways[0]!, 'DELETE', '/tyk/policies/gold');
    expect(deleted).toEqual({ status: 200, body: { key: 'gold', status: 'ok', action: 'deleted' } });
    await everyGatewayAt(start + 3);
    expect((await tykCall(gateways[0]!, 'GET', '/tyk/policies/gold')).status).toBe(404);
  });

  it("answers failures in Tyk's error shape with the right status, changing nothing", async () => {
    const start = await revisionOf(gateways[0]!);
    const invalid = await tykCall(gateways[0]!, 'POST', '/tyk/policies', { id: 'bad-one', rate: 'fast', name: 42 });
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({
      status: 'error',
      error: 'validation_failed',
      details: expect.arrayContaining([expect.objectContaining({ field: 'rate' }), expect.objectContaining({ field: 'name' })]),
    });

    const taken = await tykCall(gateways[0]!, 'POST', '/tyk/policies', { id: 'openApi', name: 'again' });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ status: 'error', error: 'conflict', details: [{ field: 'id' }] });

    const missing = await tykCall(gateways[0]!, 'PUT', '/tyk/policies/nope', { name: 'x' });
    expect(missing).toMatchObject({ status: 404, body: { status: 'error', error: 'not_found' } });

    const unauthorised = await fetch(`${gateways[0]!.url}/tyk/policies`, { headers: { 'x-tyk-authorization': 'wrong' } });
    expect(unauthorised.status).toBe(401);
    expect(await unauthorised.json()).toMatchObject({ status: 'error', error: 'unauthorized' });

    expect(await revisionOf(gateways[0]!)).toBe(start);
  });
});
