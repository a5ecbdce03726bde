import { fileURLToPath } from 'node:url';
import { startProcess } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';

const forwarder = fileURLToPath(new URL('./node-minimal-forwarder.mjs', import.meta.url));

export default {
  name: 'node-minimal',
  description: 'node:http + undici Pool.dispatch forwarder in ~55 lines (the ceiling for Node)',
  async start(ctx) {
    const proc = startProcess('node-minimal', process.execPath, [forwarder, ctx.upstream.url, '/bench/'], {
      cpu: ctx.proxyCpu,
    });
    const port = await listeningPort(proc);
    return { url: `http://127.0.0.1:${port}/bench/`, pid: proc.pid, stop: () => proc.stop() };
  },
};
