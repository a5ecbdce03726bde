import { Bus, createBusTransport, InProcessBroker } from '@portcullis/bus';
import { subjects, type ApiChangedEvent } from '@portcullis/contracts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '@portcullis/database';
import type { ApiDefinition } from '@portcullis/domain';
import type { RunningService } from '@portcullis/http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryApp, loadRegistryConfig } from '../src/index.js';

/**
 * The embedded mode (`npm start`): PGlite behind a pool of one connection and the in-process bus.
 * Needs neither PostgreSQL nor NATS; it checks that one connection is enough for every path,
 * concurrent writes included.
 */
describe('registry on embedded PostgreSQL and the in-process bus', () => {
  const secret = 'embedded-registry-secret';
  const broker = new InProcessBroker();
  const events: ApiChangedEvent[] = [];
  let dataDir: string;
  let postgres: EmbeddedPostgres;
  let registry: RunningService;
  let bus: Bus;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'registry-embedded-'));
    postgres = await startEmbeddedPostgres(dataDir);
    broker.subscribe(subjects.registryApiChanged, async (event) => void events.push(event as ApiChangedEvent), true);
    const config = loadRegistryConfig({ REGISTRY_PORT: '0', HOST: '127.0.0.1', ADMIN_SECRET: secret, LOG_LEVEL: 'silent' });
    registry = await createRegistryApp(config, { transport: createBusTransport({ kind: 'in-process', broker }), database: { url: postgres.url, poolSize: 1 } });
    bus = new Bus(createBusTransport({ kind: 'in-process', broker }));
  });

  afterAll(async () => {
    await registry?.close();
    await postgres?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const post = (body: unknown) =>
    fetch(`${registry.url}/admin/apis`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('serialises concurrent writes on one connection, and the snapshot agrees with the events', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        post({ name: `api ${i}`, proxy: { listen_path: i < 3 ? '/shared' : `/own-${i}`, target_url: 'http://127.0.0.1:1' } }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 201, 201, 409, 409]);
    const created = (await Promise.all(responses.filter((r) => r.status === 201).map((r) => r.json()))) as ApiDefinition[];

    // The in-process bus delivers events before the write answers.
    expect(events.map((e) => e.revision).sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
    const snapshot = await bus.request(subjects.registrySnapshot, {});
    expect(snapshot.revision).toBe(4);
    expect(snapshot.apis.map((a) => a.api_id).sort()).toEqual(created.map((a) => a.api_id).sort());
    expect((await fetch(`${registry.url}/ready`)).status).toBe(200);
  });

  it('answers the Tyk API over the in-process bus with the same errors', async () => {
    await expect(
      bus.request(subjects.registryApisCreate, { definition: { name: 'x', proxy: { listen_path: '/shared/', target_url: 'http://127.0.0.1:1' } } }),
    ).rejects.toMatchObject({
      code: 'conflict',
      details: [{ field: 'proxy.listen_path' }],
    });
  });

  it('applies a set swapping two listen paths in one transaction (the deferrable constraint on PGlite)', async () => {
    const admin = (method: string, path: string, body: unknown) =>
      fetch(`${registry.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const api = (id: string, path: string) => ({ api_id: id, name: id, use_keyless: true, proxy: { listen_path: path, target_url: 'http://127.0.0.1:1' } });
    const stored = (await (await fetch(`${registry.url}/admin/apis`, { headers: { authorization: `Bearer ${secret}` } })).json()) as ApiDefinition[];
    const keep = stored.map((definition) => ({ source: `apis/${definition.api_id}.yaml`, value: definition }));
    for (const [id, path] of [
      ['left', '/left/'],
      ['right', '/right/'],
    ] as const)
      expect((await admin('POST', '/admin/apis', api(id, path))).status).toBe(201);
    const swapped = [api('left', '/right/'), api('right', '/left/')].map((value) => ({ source: `apis/${value.api_id}.yaml`, value }));
    const applied = await admin('POST', '/admin/config/apply', { apis: [...keep, ...swapped] });
    expect(applied.status, await applied.clone().text()).toBe(200);
    expect(((await applied.json()) as { summary: unknown }).summary).toMatchObject({ update: 2 });
    const after = (await (await fetch(`${registry.url}/admin/apis`, { headers: { authorization: `Bearer ${secret}` } })).json()) as ApiDefinition[];
    expect(after.filter((definition) => ['left', 'right'].includes(definition.api_id)).map((d) => [d.api_id, d.proxy.listen_path])).toEqual([
      ['left', '/right/'],
      ['right', '/left/'],
    ]);
  });
});
