// The upstream every proxy forwards to: a plain node:http server answering a fixed 64-byte JSON body
// on any path, keep-alive. Run as its own process so it never shares an event loop with a proxy.
// Usage: node upstream-server.mjs [port]   (prints "listening on <port>")
import { createServer } from 'node:http';
import { UPSTREAM_BODY } from './upstream-body.mjs';

const body = Buffer.from(UPSTREAM_BODY);
const headers = { 'content-type': 'application/json', 'content-length': String(body.length) };

const server = createServer((req, res) => {
  // Drain any request body so the connection stays reusable.
  req.resume();
  res.writeHead(200, headers);
  res.end(body);
});
// Longer than any proxy's idle timeout, so it is never the upstream that closes a pooled
// connection mid-run (that would show up as proxy errors, not proxy speed).
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  console.log(`listening on ${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(0));
