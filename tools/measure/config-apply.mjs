// The gateway's side of one configuration change, measured on the built ConfigurationStore (`npm
// run build` first), without the registry or a database: load a snapshot of N APIs, then apply
// creates, updates and deletes one event at a time, and report the time per event, the time of one
// route lookup, and the heap per loaded API (after a full GC). Run it with --expose-gc:
//   node --expose-gc tools/measure/config-apply.mjs [sizes=10,1000,10000] [events=2000]
// GATEWAY_DIST points at another build of apps/gateway/dist (an older commit's, to compare).
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { validateApiDefinition } from '../../libs/domain/dist/index.js';

const dist = pathToFileURL(resolve(process.env.GATEWAY_DIST ?? new URL('../../apps/gateway/dist', import.meta.url).pathname)).href;
const { ConfigurationStore } = await import(`${dist}/data-plane/configuration-store.js`);
const { GatewayMetrics } = await import(`${dist}/data-plane/metrics.js`);
const { UpstreamPools } = await import(`${dist}/data-plane/upstream-pools.js`);

const sizes = (process.argv[2] ?? '10,1000,10000').split(',').map(Number);
const events = Number(process.argv[3] ?? 2000);

function definition(id) {
  const result = validateApiDefinition({
    api_id: id,
    name: id,
    use_keyless: true,
    proxy: { listen_path: `/${id}/`, target_url: 'http://127.0.0.1:9000', strip_listen_path: true },
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

function heapUsed() {
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

const fresh = Array.from({ length: events }, (_, i) => definition(`new-${i}`));
const renamed = fresh.map((api) => ({ ...api, name: 'renamed' }));
const results = [];
// The first size is run twice, the first time unreported: it warms the JIT up.
for (const [round, size] of [sizes[0], ...sizes].entries()) {
  const pools = new UpstreamPools();
  const deps = {
    pools,
    metrics: new GatewayMetrics(),
    defaultTimeoutSeconds: 30,
    oauth: {},
    enforcement: { rateLimiter: null, rateLimiterDecidesAtOnce: true, quota: null, analytics: null },
  };
  const store = new ConfigurationStore(deps, { warn: () => undefined, error: (message) => console.error(message) });
  const definitions = Array.from({ length: size }, (_, i) => definition(`api-${i}`));
  const emptyHeap = heapUsed();
  store.replace({ revision: 1, apis: definitions, policies: [], client_bindings: [] });
  const loadedHeap = heapUsed();
  let revision = 1;
  const timed = (make) => {
    const started = performance.now();
    for (let i = 0; i < events; i++) store.apply(make(i, ++revision));
    return ((performance.now() - started) * 1000) / events;
  };
  const createUs = timed((i, rev) => ({ revision: rev, api_id: `new-${i}`, change: 'created', definition: fresh[i] }));
  const updateUs = timed((i, rev) => ({ revision: rev, api_id: `new-${i}`, change: 'updated', definition: renamed[i] }));
  const deleteUs = timed((i, rev) => ({ revision: rev, api_id: `new-${i}`, change: 'deleted', definition: null }));
  // Routing: the match step's lookup, for paths of loaded APIs (and one matching none).
  const routes = store.current.routes;
  const paths = Array.from({ length: 1024 }, (_, i) => (i % 8 === 7 ? '/nothing/here' : `/api-${(i * 7919) % size}/orders/1`));
  let matched = 0;
  const matchStarted = performance.now();
  for (let i = 0; i < 200_000; i++) if (routes.match(null, paths[i & 1023]) !== undefined) matched++;
  const matchNs = ((performance.now() - matchStarted) * 1e6) / 200_000;
  if (matched === 0) throw new Error('nothing matched');
  if (store.current.apis.size !== size) throw new Error(`expected ${size} APIs, have ${store.current.apis.size}`);
  await pools.closeAll();
  if (round === 0) continue;
  results.push({
    apis: size,
    'create (µs)': Math.round(createUs),
    'update (µs)': Math.round(updateUs),
    'delete (µs)': Math.round(deleteUs),
    'match (ns)': Math.round(matchNs),
    'heap per API (KB)': size >= 1000 ? ((loadedHeap - emptyHeap) / size / 1024).toFixed(1) : '-',
  });
}
console.table(results);
