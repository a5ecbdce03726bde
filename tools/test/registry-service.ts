import { createBusTransport } from '@portcullis/bus';
import type { RunningService } from '@portcullis/http';
import { randomBytes } from 'node:crypto';
import { createRegistryApp, loadRegistryConfig } from '../../apps/registry/src/index.js';
import { dropScratchSchemas, testServices } from './services.js';

/**
 * The real registry, in this test process, on its own scratch schema and the run's subject prefix:
 * for the auth service's integration tests, whose clients and keys name APIs and policies the auth
 * service asks the registry about (`registry.references.check`) before storing them.
 */
export interface TestRegistryService extends RunningService {
  /** Creates these APIs (keyless, upstream never called) and policies (granting every API given) through the admin API. */
  define(things: { apis?: string[]; policies?: string[] }): Promise<void>;
  /** Closes it and drops its schema. */
  destroy(): Promise<void>;
}

export async function startTestRegistry(options: { adminSecret: string; schema?: string }): Promise<TestRegistryService> {
  const schema = options.schema ?? `registry_for_tests_${randomBytes(6).toString('hex')}`;
  const config = loadRegistryConfig({
    REGISTRY_PORT: '0',
    HOST: '127.0.0.1',
    ADMIN_SECRET: options.adminSecret,
    LOG_LEVEL: 'silent',
    NATS_SUBJECT_PREFIX: testServices.subjectPrefix,
    NATS_URL: testServices.natsUrl,
  });
  const transport = createBusTransport({
    kind: 'nats',
    servers: [testServices.natsUrl],
    subjectPrefix: testServices.subjectPrefix,
    name: `registry-for-tests-${schema}`,
  });
  const registry = await createRegistryApp(config, { transport, database: { url: testServices.databaseUrl, schema } });
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${registry.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    name: registry.name,
    url: registry.url,
    close: () => registry.close(),
    async define({ apis = [], policies = [] }) {
      for (const id of apis)
        await post('/admin/apis', { api_id: id, name: id, use_keyless: true, proxy: { listen_path: `/${id}-${schema}/`, target_url: 'http://127.0.0.1:9' } });
      const rights = Object.fromEntries(apis.map((id) => [id, { api_id: id, versions: ['Default'] }]));
      for (const id of policies) await post('/admin/policies', { id, name: id, access_rights: rights });
    },
    async destroy() {
      await registry.close().catch(() => undefined);
      await dropScratchSchemas(schema);
    },
  };
}
