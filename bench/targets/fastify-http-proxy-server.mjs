// @fastify/http-proxy with its defaults, as a user would set it up: the peer to beat.
// Usage: node fastify-http-proxy-server.mjs <upstream-origin>  (prints "listening on <port>")
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const app = Fastify({ logger: false });
await app.register(proxy, { upstream: process.argv[2], prefix: '/bench', rewritePrefix: '' });
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`listening on ${app.server.address().port}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => app.close().then(() => process.exit(0)));
