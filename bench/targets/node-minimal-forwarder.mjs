// The ceiling of what Node can do as a proxy: node:http in, an undici keep-alive Pool out, bodies
// streamed both ways, hop-by-hop headers dropped, X-Forwarded-For set. Nothing else.
// Usage: node node-minimal-forwarder.mjs <upstream-origin> <listen-prefix>  (prints "listening on <port>")
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstream, prefix = '/'] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 60_000 });
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host']);

function endToEnd(headers) {
  const out = {};
  for (const name in headers) if (!hopByHop.has(name)) out[name] = headers[name];
  return out;
}

const server = createServer((req, res) => {
  const headers = endToEnd(req.headers);
  headers['x-forwarded-for'] = req.socket.remoteAddress;
  pool.stream(
    {
      path: req.url.startsWith(prefix) ? req.url.slice(prefix.length - 1) : req.url,
      method: req.method,
      headers,
      body: req.method === 'GET' || req.method === 'HEAD' ? null : req,
    },
    ({ statusCode, headers: upstreamHeaders }) => {
      res.writeHead(statusCode, endToEnd(upstreamHeaders));
      return res;
    },
    (error) => {
      if (!error) return;
      if (res.headersSent) return res.destroy(error);
      res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}');
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
