// Standalone gateway on the in-process bus with a fixed snapshot, for profiling the data plane.
import 'reflect-metadata';
import { InProcessBroker, createBusTransport } from '/work/main/libs/bus/dist/index.js';
import { createGatewayApp, loadGatewayConfig } from '/work/main/apps/gateway/dist/index.js';
const [upstream, port] = process.argv.slice(2);
const broker = new InProcessBroker();
broker.subscribe('registry.snapshot', async () => ({ ok: true, value: { revision: 1, apis: [{ api_id: 'bench', name: 'bench', active: true, use_keyless: true, domain: '', proxy: { listen_path: '/bench/', target_url: upstream, strip_listen_path: true, preserve_host_header: false } }] } }), false);
const gw = await createGatewayApp(loadGatewayConfig({ ADMIN_SECRET: 'x'.repeat(20), GATEWAY_PORT: port, HOST: '127.0.0.1', LOG_LEVEL: 'warn' }), { transport: createBusTransport({ kind: 'in-process', broker }) });
console.log('listening on', gw.url);
for (const s of ['SIGINT', 'SIGTERM']) process.once(s, () => gw.close().then(() => process.exit(0)));
