import { createRegistryApp, loadRegistryConfig } from '../../apps/registry/src/index.js';
import { startInProcess, type InProcessService } from './in-process-service.js';

/**
 * The real registry, in this test process, on its own scratch schema and the run's subject prefix:
 * for the auth service's integration tests, whose clients and keys name APIs and policies the auth
 * service asks the registry about (`registry.references.check`) before storing them.
 */
export interface TestRegistryService extends InProcessService {
  /** Creates these APIs (keyless, upstream never called) and policies (granting every API given) through the admin API. */
  define(things: { apis?: string[]; policies?: string[] }): Promise<void>;
}

export async function startTestRegistry(options: { adminSecret: string; schema?: string }): Promise<TestRegistryService> {
  const registry = await startInProcess({ name: 'registry', portVariable: 'REGISTRY_PORT', load: loadRegistryConfig, create: createRegistryApp }, options);
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${registry.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${options.adminSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status !== 201 && response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  return {
    ...registry,
    async define({ apis = [], policies = [] }) {
      for (const id of apis)
        await post('/admin/apis', {
          api_id: id,
          name: id,
          use_keyless: true,
          proxy: { listen_path: `/${id}-${registry.schema}/`, target_url: 'http://127.0.0.1:9' },
        });
      const rights = Object.fromEntries(apis.map((id) => [id, { api_id: id, versions: ['Default'] }]));
      for (const id of policies) await post('/admin/policies', { id, name: id, access_rights: rights });
    },
  };
}
