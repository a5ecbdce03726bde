// Per-request cost of the record step (the gateway's last step: metrics, and the analytics record
// summed into the open window by the real AnalyticsRecorder), measured on the built gateway (npm run
// build first), for: a keyless API without track_endpoints and no debug session anywhere (the common
// case: it must cost what it did before either feature), the same API while a debug session is open
// for another caller, and an API tracking 5 endpoints. Usage:
//   node tools/measure/record-step.mjs [iterations]
import { AnalyticsRecorder } from '../../libs/analytics/dist/index.js';
import { validateApiDefinition } from '../../libs/domain/dist/index.js';
import { buildConfiguration, compileApi } from '../../apps/gateway/dist/data-plane/compile.js';
import { debugLogTable } from '../../apps/gateway/dist/data-plane/debug-logs.js';
import { GatewayMetrics } from '../../apps/gateway/dist/data-plane/metrics.js';
import { RequestContext } from '../../apps/gateway/dist/data-plane/request-context.js';
import { match } from '../../apps/gateway/dist/data-plane/steps/match.js';
import { record } from '../../apps/gateway/dist/data-plane/steps/record.js';
import { UpstreamPools } from '../../apps/gateway/dist/data-plane/upstream-pools.js';

const iterations = Number(process.argv[2] ?? 1_000_000);
const recorder = new AnalyticsRecorder({ sink: { publish: async () => undefined, close: async () => undefined }, gatewayId: 'measure', maxBuffered: 1e9 });
const metrics = new GatewayMetrics();
const deps = { pools: new UpstreamPools(), metrics, defaultTimeoutSeconds: 30, oauth: {}, enforcement: { analytics: recorder } };

function api(id, extendedPaths) {
  const input = { api_id: id, name: id, use_keyless: true, proxy: { listen_path: `/${id}/`, target_url: 'http://127.0.0.1:9', strip_listen_path: true } };
  if (extendedPaths) input.version_data = { not_versioned: true, versions: { Default: { name: 'Default', extended_paths: extendedPaths } } };
  const result = validateApiDefinition(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return compileApi({ ...result.value, api_id: id }, deps);
}

const tracked = ['/users/{id}', '/users', '/orders/{id}', '/orders', '/items/{id}'].map((path) => ({ path, method: 'GET' }));
const plainConfig = buildConfiguration(1, [api('plain'), api('tracked', { track_endpoints: tracked })], metrics);
const now = Date.now();
const debugConfig = { ...plainConfig, debugLogs: debugLogTable([{ id: 's', identity: 'f'.repeat(64), created_at: now, expires_at: now + 3_600_000 }], now) };

function run(config, url) {
  const req = { url, method: 'GET', rawHeaders: [], socket: { remoteAddress: '127.0.0.1' } };
  const res = { headersSent: true, destroyed: false };
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const ctx = new RequestContext(req, res, config, performance.now());
    match.handle(ctx);
    ctx.status = 200;
    record.handle(ctx);
  }
  return Number(process.hrtime.bigint() - started) / iterations;
}

const cases = [
  ['no track_endpoints, no debug session', plainConfig, '/plain/users/42'],
  ['no track_endpoints, a debug session open for another caller', debugConfig, '/plain/users/42'],
  ['5 track_endpoints, matching the 1st', plainConfig, '/tracked/users/42'],
  ['5 track_endpoints, matching none', plainConfig, '/tracked/nothing/here'],
];
// Warm up every path first, then three rounds; the best round of each is reported.
for (const [, config, url] of cases) run(config, url);
const best = new Map();
for (let round = 0; round < 3; round++) for (const [name, config, url] of cases) best.set(name, Math.min(best.get(name) ?? Infinity, run(config, url)));
for (const [name, ns] of best) console.log(`${name.padEnd(62)} ${ns.toFixed(0)} ns per request (match + record)`);
await recorder.close();
