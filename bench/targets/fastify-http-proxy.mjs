import { fileURLToPath } from 'node:url';
import { startProcess } from '../lib/processes.mjs';
import { listeningPort } from '../lib/target.mjs';

const server = fileURLToPath(new URL('./fastify-http-proxy-server.mjs', import.meta.url));

export default {
  name: 'fastify-http-proxy',
  description: '@fastify/http-proxy (undici) with default options',
  async start(ctx) {
    const proc = startProcess('fastify-http-proxy', process.execPath, [server, ctx.upstream.url], { cpu: ctx.proxyCpu });
    const port = await listeningPort(proc);
    return { url: `http://127.0.0.1:${port}/bench/`, pid: proc.pid, stop: () => proc.stop() };
  },
};
