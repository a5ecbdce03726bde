// The ceiling of what Node can do as a proxy: node:http in, undici's lowest-level API out (a keep-alive
// Pool's dispatch with raw header arrays, no header objects), bodies streamed both ways with
// backpressure, hop-by-hop headers dropped, X-Forwarded-For set. Nothing else: no routing table, no
// timeouts, no abort of the upstream request when the client goes away, no metrics.
// Usage: node node-minimal-forwarder.mjs <upstream-origin> <listen-prefix>  (prints "listening on <port>")
import { createServer } from 'node:http';
import { Pool } from 'undici';

const [upstream, prefix = '/'] = process.argv.slice(2);
const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 60_000 });
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host']);

class Exchange {
  constructor(res) {
    this.res = res;
    this.resume = null;
  }
  onConnect() {}
  onHeaders(statusCode, raw, resume) {
    const headers = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toString('latin1');
      if (!hopByHop.has(name.toLowerCase())) headers.push(name, raw[i + 1].toString('latin1'));
    }
    this.res.writeHead(statusCode, headers);
    this.resume = resume;
    return true;
  }
  onData(chunk) {
    if (this.res.write(chunk)) return true;
    this.res.once('drain', this.resume); // undici pauses the upstream until the client catches up
    return false;
  }
  onComplete() {
    this.res.end();
  }
  onError() {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}');
  }
}

const server = createServer((req, res) => {
  const headers = [];
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) if (!hopByHop.has(raw[i].toLowerCase())) headers.push(raw[i], raw[i + 1]);
  headers.push('x-forwarded-for', req.socket.remoteAddress);
  const path = req.url.startsWith(prefix) ? req.url.slice(prefix.length - 1) : req.url;
  const body = req.method === 'GET' || req.method === 'HEAD' ? null : req;
  pool.dispatch({ origin: upstream, path, method: req.method, headers, body }, new Exchange(res));
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
